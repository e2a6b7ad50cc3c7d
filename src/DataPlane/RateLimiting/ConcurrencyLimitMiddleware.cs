using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// The plan's bound on requests in flight, per credential (the caller's plan) and per tenant: a slow upload or a slow upstream ties up
/// one slot, not the node. Beyond it, 429 with <c>Retry-After</c> and a problem type of its own.
/// </summary>
internal sealed class ConcurrencyLimitMiddleware(RequestDelegate next, ConcurrencyLimiters limiters)
{
    /// <summary>
    /// Not async: the slots are handed to the request (<see cref="GatewayRequest.InFlight"/>) and the request-context
    /// step, which already waits for the response to end, gives them back. One state machine per request fewer.
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var caller = request.Caller!;
        var lease = limiters.TryAcquire(caller.CredentialId, caller.Plan.MaxConcurrentPerKey, request.Tenant!.Id, request.Tenant.Plan.MaxConcurrentPerTenant, out var keyFull);
        if (lease is null)
        {
            context.Response.Headers.RetryAfter = "1";
            return GatewayProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests in flight",
                $"{(keyFull ? "The credential" : "The tenant")} has as many requests in flight as the plan allows. Retry when one has finished.",
                GatewayProblem.TooManyInFlightType);
        }

        request.InFlight = lease;
        return next(context);
    }
}
