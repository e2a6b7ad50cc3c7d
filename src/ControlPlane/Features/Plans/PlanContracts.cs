using InferenceGateway.ControlPlane.Data;

namespace InferenceGateway.ControlPlane.Features.Plans;

internal static class PlanResponses
{
    extension(PlanResponse)
    {
        public static PlanResponse From(Plan p) => new(
            p.Id,
            p.Name,
            p.Description,
            new PlanLimitsResponse(
                p.RequestsPerSecondPerKey, p.BurstPerKey, p.RequestsPerSecondPerTenant, p.BurstPerTenant,
                p.MonthlyRequestQuota, p.MonthlyInputTokenQuota, p.MonthlyOutputTokenQuota, p.MaxRequestBodyBytes, p.AllowedModels,
                p.MaxConcurrentRequestsPerKey ?? PlanRules.DefaultConcurrentPerKey, p.MaxConcurrentRequestsPerTenant ?? PlanRules.DefaultConcurrentPerTenant,
                p.QuotaEnforcement,
                p.RateLimitScopePerKey, p.RateLimitScopePerTenant, p.RedisDownModePerKey, p.RedisDownModePerTenant,
                p.ShadowRateLimitPerKey, p.ShadowRateLimitPerTenant),
            new PlanPricesResponse(
                p.Currency, p.MonthlyBaseFee, p.PricePer1KRequests, p.PricePer1MInputTokens, p.PricePer1MOutputTokens,
                p.IncludedRequests, p.IncludedInputTokens, p.IncludedOutputTokens),
            p.CreatedAt,
            p.UpdatedAt,
            Budgets.PlanBudgets.Response(p));
    }
}
