using System.Globalization;
using System.Threading.RateLimiting;
using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>Per-credential token buckets from the caller's plan, then per-tenant ones from the tenant's plan: 429 with Retry-After beyond them.</summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimiters limiters)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var caller = request.Caller!;
        var plan = caller.Plan;
        using var keyLease = limiters.ForKey(caller.CredentialId, plan.RequestsPerSecondPerKey, plan.BurstPerKey).AttemptAcquire();
        if (!keyLease.IsAcquired)
        {
            return TooManyAsync(context, keyLease, "the credential's");
        }

        var tenantPlan = request.Tenant!.Plan;
        using var tenantLease = limiters.ForTenant(request.Tenant.Id, tenantPlan.RequestsPerSecondPerTenant, tenantPlan.BurstPerTenant).AttemptAcquire();
        if (!tenantLease.IsAcquired)
        {
            return TooManyAsync(context, tenantLease, "the tenant's");
        }

        return next(context);
    }

    private static Task TooManyAsync(HttpContext context, RateLimitLease lease, string whose)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return GatewayProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The request rate is above {whose} limit. Retry after {seconds} s.");
    }
}
