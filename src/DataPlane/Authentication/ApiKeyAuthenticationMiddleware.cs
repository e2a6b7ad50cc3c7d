using InferenceGateway.DataPlane.Blocking;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.Security.Keys;
using Microsoft.Extensions.Primitives;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// API-key authentication. The key comes from <c>Authorization: Bearer</c> or <c>X-API-Key</c>, never the
/// query string. Its shape and checksum are checked before any lookup; it is found by hash, compared in
/// constant time, and must be unexpired, unrevoked (absent from the table) and of the path's tenant. Every
/// failure is the same 401.
/// </summary>
internal sealed class ApiKeyAuthenticationMiddleware(RequestDelegate next, TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        if (QueryCarriesKey(request.RawQuery) || PathCarriesKey(request.RawRest))
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request",
                "API keys are not accepted in the URL (the query string or the path); send the key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.");
        }

        var presented = PresentedKey(context.Request.Headers);
        var state = request.State!;
        var now = time.GetUtcNow();
        var key = ApiKeyLookup.Find(state, presented);
        if (key is null || !key.IsValidAt(now) || request.Tenant is not { } tenant || key.TenantId != tenant.Id)
        {
            return GatewayProblem.UnauthorizedAsync(context);
        }

        if (state.Blocks.IsKeyBlocked(key.KeyId, now) || state.Blocks.IsTenantBlocked(tenant.Id, now))
        {
            return BlocklistMiddleware.Blocked(context);
        }

        request.Key = key;
        return next(context);
    }

    private static ReadOnlySpan<char> PresentedKey(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value.AsSpan(7).Trim();
        }

        return headers.TryGetValue("X-API-Key", out StringValues apiKey) && apiKey.Count == 1 ? apiKey[0].AsSpan().Trim() : default;
    }

    /// <summary>A key pasted into the path would be forwarded upstream with it.</summary>
    internal static bool PathCarriesKey(string rawRest) =>
        rawRest.Contains("igw_", StringComparison.OrdinalIgnoreCase) || rawRest.Contains("igw%5f", StringComparison.OrdinalIgnoreCase);

    /// <summary>A query parameter that names a key, or any value that is one of our keys.</summary>
    internal static bool QueryCarriesKey(string rawQuery)
    {
        if (rawQuery.Length <= 1)
        {
            return false;
        }

        if (rawQuery.Contains("igw_", StringComparison.OrdinalIgnoreCase) || rawQuery.Contains("igw%5f", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var range in rawQuery.AsSpan(1).Split('&'))
        {
            var pair = rawQuery.AsSpan(1)[range];
            var name = pair.IndexOf('=') is var eq and >= 0 ? pair[..eq] : pair;
            if (name.Equals("api_key", StringComparison.OrdinalIgnoreCase) || name.Equals("apikey", StringComparison.OrdinalIgnoreCase)
                || name.Equals("api-key", StringComparison.OrdinalIgnoreCase) || name.Equals("key", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-api-key", StringComparison.OrdinalIgnoreCase) || name.Equals("access_token", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
