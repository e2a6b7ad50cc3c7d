using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// The plan's rate limits, per credential (the caller's plan) and then per tenant (the tenant's plan). Each is
/// counted on this node (a token bucket) or across the cluster (leased slices of a Redis window), as the plan says;
/// a rule in shadow mode refuses nothing and marks the request it would have refused. Beyond a limit: 429 with
/// <c>Retry-After</c>; every answer carries the RateLimit-* headers of the tightest rule.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimiters limiters, ClusterRateLimiters cluster)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var caller = request.Caller!;
        var plan = caller.Plan;
        var key = Check(plan.KeyRule, caller.CredentialId, false, plan.RequestsPerSecondPerKey, plan.BurstPerKey, out var keyRetry);
        if (!key.Admitted && !plan.KeyRule.Shadow)
        {
            return TooManyAsync(context, request, key, keyRetry, "the credential's");
        }

        var tenantPlan = request.Tenant!.Plan;
        var tenant = Check(tenantPlan.TenantRule, request.Tenant.Id, true, tenantPlan.RequestsPerSecondPerTenant, tenantPlan.BurstPerTenant, out var tenantRetry);
        if (!tenant.Admitted && !tenantPlan.TenantRule.Shadow)
        {
            return TooManyAsync(context, request, tenant, tenantRetry, "the tenant's");
        }

        request.WouldHaveBeenLimited = !key.Admitted || !tenant.Admitted;
        request.RateLimit = Tighter(key, plan.KeyRule.Shadow, tenant, tenantPlan.TenantRule.Shadow);
        return next(context);
    }

    private LimitDecision Check(RateRule rule, Guid id, bool isTenant, double perSecond, int burst, out double retryAfterSeconds)
    {
        var decision = default(LimitDecision);
        if (rule.Cluster && cluster.Configured)
        {
            cluster.Admit(id, isTenant, perSecond, burst, rule.WhenRedisDown, ref decision);
            retryAfterSeconds = decision.ResetSeconds;
            return decision;
        }

        var bucket = isTenant ? limiters.ForTenant(id, perSecond, burst) : limiters.ForKey(id, perSecond, burst);
        bucket.TryAcquire(ref decision, out retryAfterSeconds);
        return decision;
    }

    /// <summary>The rule with less room left; a shadow rule's numbers are not shown (it does not limit anyone).</summary>
    private static LimitDecision Tighter(in LimitDecision key, bool keyShadow, in LimitDecision tenant, bool tenantShadow)
    {
        if (keyShadow)
        {
            return tenantShadow ? default : tenant;
        }

        if (tenantShadow)
        {
            return key;
        }

        return tenant.Remaining < key.Remaining ? tenant : key;
    }

    private static Task TooManyAsync(HttpContext context, GatewayRequest request, in LimitDecision decision, double retryAfterSeconds, string whose)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfterSeconds));
        request.RateLimit = decision;
        request.RateLimit.Remaining = 0;
        var headers = context.Response.Headers;
        headers.RetryAfter = RateLimitHeaders.Text(seconds);
        RateLimitHeaders.Write(headers, request);
        return GatewayProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The request rate is above {whose} limit. Retry after {seconds} s.");
    }
}
