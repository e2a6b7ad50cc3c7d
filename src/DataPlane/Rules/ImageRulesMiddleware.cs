using InferenceGateway.DataPlane.Pipeline;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceGateway.DataPlane.Rules;

/// <summary>
/// The endpoint's image rules, on the body the body middleware has already read into memory: every image the request
/// carries must be of an allowed type by its magic bytes and within the size, dimension, pixel and count limits, judged
/// from its header alone. A refusal names the rule that failed (413 for sizes and counts, 422 for what the content is,
/// 400 for an envelope that cannot be read), and the upstream sees nothing of the request.
/// </summary>
internal sealed partial class ImageRulesMiddleware(RequestDelegate next, ILogger<ImageRulesMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        if (request.Route?.ImageRules is not { } rules || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        var (body, overBound) = await ReadBodyAsync(context.Request, rules, context.RequestAborted);
        if (body.Length == 0 && !overBound)
        {
            await next(context);
            return;
        }

        ImageRefusal? refusal;
        try
        {
            refusal = overBound
                ? new ImageRefusal(StatusCodes.Status413PayloadTooLarge, "maxEncodedBytes", "The request body is larger than any request with images this model accepts.")
                : await RequestImages.CheckAsync(rules, context.Request.ContentType, body, context.RequestAborted);
        }
        catch (MalformedImageBodyException malformed)
        {
            LogRefused(logger, request.Route.EndpointId, "envelope", request.RequestId);
            await GatewayProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", malformed.Message);
            return;
        }

        if (refusal is not null)
        {
            LogRefused(logger, request.Route.EndpointId, refusal.Rule, request.RequestId);
            var title = refusal.Status == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Unprocessable image";
            await GatewayProblem.WriteAsync(context, refusal.Status, title, $"Image rule '{refusal.Rule}' failed: {refusal.Detail}");
            return;
        }

        await next(context);
    }

    /// <summary>
    /// The body as the body middleware buffered it. Should a body arrive unbuffered, it is read here, bounded by what the
    /// rules can admit, so the check never runs on part of a body.
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Body, bool OverBound)> ReadBodyAsync(HttpRequest request, ImageRules rules, CancellationToken cancellationToken)
    {
        if (request.Body is MemoryStream buffered && buffered.TryGetBuffer(out var segment))
        {
            return (segment.AsMemory((int)buffered.Position), false);
        }

        if (request.ContentLength == 0)
        {
            return (ReadOnlyMemory<byte>.Empty, false);
        }

        var bound = ((rules.MaxEncodedBytes + 2) / 3 * 4 * rules.MaxImages) + (1024 * 1024);
        var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            copy.Write(chunk, 0, read);
            if (copy.Length > bound)
            {
                return (ReadOnlyMemory<byte>.Empty, true); // more than any admissible request
            }
        }

        copy.Position = 0;
        request.Body = copy;
        request.ContentLength = copy.Length;
        return (copy.GetBuffer().AsMemory(0, (int)copy.Length), false);
    }

    [LoggerMessage(EventId = 150, Level = LogLevel.Debug, Message = "Image rule {Rule} refused a request to endpoint {EndpointId} (request {RequestId})")]
    private static partial void LogRefused(ILogger logger, Guid endpointId, string rule, string requestId);
}
