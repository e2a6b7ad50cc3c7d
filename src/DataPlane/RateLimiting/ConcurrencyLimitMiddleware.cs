using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// The plan's bound on requests in flight, per key and per tenant: a slow upload or a slow upstream ties up
/// one slot, not the node. Beyond it, 429 with <c>Retry-After</c> and a problem type of its own.
/// </summary>
internal sealed class ConcurrencyLimitMiddleware(RequestDelegate next, ConcurrencyLimiters limiters)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var plan = request.Tenant!.Plan;
        using var lease = limiters.TryAcquire(request.Key!.KeyId, plan.MaxConcurrentPerKey, request.Tenant.Id, plan.MaxConcurrentPerTenant, out var keyFull);
        if (lease is null)
        {
            context.Response.Headers.RetryAfter = "1";
            await GatewayProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests in flight",
                $"{(keyFull ? "The key" : "The tenant")} has as many requests in flight as the plan allows. Retry when one has finished.",
                GatewayProblem.TooManyInFlightType);
            return;
        }

        await next(context);
    }
}
