using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InferenceGateway.DataPlane.Pipeline;

/// <summary>
/// Every error the node returns: a small JSON problem document with the request id, and nothing about the
/// upstream (no host, address, banner, stack trace or model metadata).
/// </summary>
internal static class GatewayProblem
{
    public const string ContentType = "application/problem+json";

    /// <summary>Problem type of a 429 for requests in flight (not the request rate): waiting for one to finish helps, slowing down does not.</summary>
    public const string TooManyInFlightType = "urn:igw:problem:too-many-requests-in-flight";

    /// <summary>Problem type of a 429 for a used-up monthly quota: retrying does not help before the period ends.</summary>
    public const string QuotaExceededType = "urn:igw:problem:quota-exceeded";

    /// <summary>Problem type of a 429 for a spend budget that cannot cover the request's worst case: retrying does not help before the period ends.</summary>
    public const string BudgetExceededType = "urn:igw:problem:budget-exceeded";

    /// <summary>Problem type of a 503 when a budget cannot be checked (Redis unreachable and the plan says closed).</summary>
    public const string BudgetUnavailableType = "urn:igw:problem:budget-unavailable";

    /// <summary>Problem type of a 503 when the node's budget for buffered request bodies is spent.</summary>
    public const string BufferBudgetType = "urn:igw:problem:node-busy";

    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? type = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var requestId = context.Features.Get<GatewayRequest>()?.RequestId ?? string.Empty;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Request-Id"] = requestId;
        var body = Encoding.UTF8.GetBytes(
            $"{{{(type is null ? string.Empty : $"\"type\":{Quote(type)},")}\"title\":{Quote(title)},\"status\":{status},\"detail\":{Quote(detail)},\"requestId\":{Quote(requestId)}}}");
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// The one 401 for every authentication failure (missing, malformed, unknown, revoked, expired key, or a key
    /// of another tenant): same status, headers, body and length, so a failure says nothing about the key.
    /// </summary>
    public static Task UnauthorizedAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"igw\"";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "A valid API key for this tenant is required: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.");
    }

    public static Task NotFoundAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "Not found", "No model is served at this path. Gateway paths are /t/{tenant}/{model}/...");

    private static string Quote(string value) => JsonSerializer.Serialize(value, QuoteOptions);

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
