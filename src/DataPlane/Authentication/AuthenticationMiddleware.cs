using InferenceGateway.DataPlane.Blocking;
using InferenceGateway.DataPlane.Pipeline;
using Microsoft.Extensions.Primitives;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The one authentication step: it reads the credential, tells its kind by its form (three base64url segments
/// are a JWT, anything else an API key), hands it to that kind's validator and puts the resulting
/// <see cref="Caller"/> on the request. Credentials come from <c>Authorization: Bearer</c> or <c>X-API-Key</c>,
/// never the URL. Every failure of every kind is the same 401; the caller's blocks are checked right after.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, JwtValidator jwts, TimeProvider time)
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
        if (!JwtForm.Matches(presented))
        {
            return Authenticated(context, request, ApiKeyValidator.Validate(presented, state, request.Tenant, now), now);
        }

        var pending = jwts.ValidateAsync(presented, state, request.Tenant, now, context.RequestAborted);
        return pending.IsCompletedSuccessfully ? Authenticated(context, request, pending.Result, now) : AuthenticatedAsync(context, request, pending, now);
    }

    private async Task AuthenticatedAsync(HttpContext context, GatewayRequest request, ValueTask<Caller?> pending, DateTimeOffset now) =>
        await Authenticated(context, request, await pending, now);

    private Task Authenticated(HttpContext context, GatewayRequest request, Caller? caller, DateTimeOffset now)
    {
        if (caller is null || request.Tenant is not { } tenant || caller.TenantId != tenant.Id)
        {
            return GatewayProblem.UnauthorizedAsync(context);
        }

        var blocks = request.State!.Blocks;
        if (blocks.IsKeyBlocked(caller.CredentialId, now) || blocks.IsTenantBlocked(tenant.Id, now))
        {
            return BlocklistMiddleware.Blocked(context);
        }

        request.Caller = caller;
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
