using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.Plans;

/// <summary>Body of POST (name required; omitted fields take defaults) and PATCH (omitted fields stay as they are).</summary>
internal sealed record PlanRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string?> Description { get; init; }

    public PlanLimitsRequest? Limits { get; init; }

    public PlanPricesRequest? Prices { get; init; }
}

internal sealed record PlanLimitsRequest
{
    public Optional<double> RequestsPerSecondPerKey { get; init; }

    public Optional<int> BurstPerKey { get; init; }

    public Optional<double> RequestsPerSecondPerTenant { get; init; }

    public Optional<int> BurstPerTenant { get; init; }

    /// <summary>Null means unlimited.</summary>
    public Optional<long?> MonthlyRequestQuota { get; init; }

    public Optional<long?> MonthlyInputTokenQuota { get; init; }

    public Optional<long?> MonthlyOutputTokenQuota { get; init; }

    /// <summary><c>hard</c>: past a quota, requests get 429. <c>soft</c>: they are served and a quota event is recorded.</summary>
    public Optional<QuotaEnforcement> QuotaEnforcement { get; init; }

    public Optional<long> MaxRequestBodyBytes { get; init; }

    /// <summary>Requests of one key in flight at once on a node (429 beyond it).</summary>
    public Optional<int> MaxConcurrentRequestsPerKey { get; init; }

    /// <summary>Requests of one tenant in flight at once on a node (429 beyond it).</summary>
    public Optional<int> MaxConcurrentRequestsPerTenant { get; init; }

    /// <summary>Null means every model.</summary>
    public Optional<List<string>?> AllowedModels { get; init; }
}

internal sealed record PlanPricesRequest
{
    public Optional<string> Currency { get; init; }

    public Optional<decimal> MonthlyBaseFee { get; init; }

    public Optional<decimal> PricePer1KRequests { get; init; }

    public Optional<decimal> PricePer1MInputTokens { get; init; }

    public Optional<decimal> PricePer1MOutputTokens { get; init; }

    public Optional<long> IncludedRequests { get; init; }

    public Optional<long> IncludedInputTokens { get; init; }

    public Optional<long> IncludedOutputTokens { get; init; }
}

internal sealed record PlanResponse(
    Guid Id,
    string Name,
    string? Description,
    PlanLimitsResponse Limits,
    PlanPricesResponse Prices,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PlanResponse From(Plan p) => new(
        p.Id,
        p.Name,
        p.Description,
        new PlanLimitsResponse(
            p.RequestsPerSecondPerKey, p.BurstPerKey, p.RequestsPerSecondPerTenant, p.BurstPerTenant,
            p.MonthlyRequestQuota, p.MonthlyInputTokenQuota, p.MonthlyOutputTokenQuota, p.MaxRequestBodyBytes, p.AllowedModels,
            p.MaxConcurrentRequestsPerKey ?? PlanRules.DefaultConcurrentPerKey, p.MaxConcurrentRequestsPerTenant ?? PlanRules.DefaultConcurrentPerTenant,
            p.QuotaEnforcement),
        new PlanPricesResponse(
            p.Currency, p.MonthlyBaseFee, p.PricePer1KRequests, p.PricePer1MInputTokens, p.PricePer1MOutputTokens,
            p.IncludedRequests, p.IncludedInputTokens, p.IncludedOutputTokens),
        p.CreatedAt,
        p.UpdatedAt);
}

internal sealed record PlanLimitsResponse(
    double RequestsPerSecondPerKey,
    int BurstPerKey,
    double RequestsPerSecondPerTenant,
    int BurstPerTenant,
    long? MonthlyRequestQuota,
    long? MonthlyInputTokenQuota,
    long? MonthlyOutputTokenQuota,
    long MaxRequestBodyBytes,
    IReadOnlyList<string>? AllowedModels,
    int MaxConcurrentRequestsPerKey,
    int MaxConcurrentRequestsPerTenant,
    QuotaEnforcement QuotaEnforcement);

internal sealed record PlanPricesResponse(
    string Currency,
    decimal MonthlyBaseFee,
    decimal PricePer1KRequests,
    decimal PricePer1MInputTokens,
    decimal PricePer1MOutputTokens,
    long IncludedRequests,
    long IncludedInputTokens,
    long IncludedOutputTokens);
