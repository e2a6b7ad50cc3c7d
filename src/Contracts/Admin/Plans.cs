namespace InferenceGateway.Contracts.Admin;

/// <summary>Body of POST (name required; omitted fields take defaults) and PATCH (omitted fields stay as they are).</summary>
public sealed record PlanRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string?> Description { get; init; }

    public PlanLimitsRequest? Limits { get; init; }

    public PlanPricesRequest? Prices { get; init; }
}

public sealed record PlanLimitsRequest
{
    public Optional<double> RequestsPerSecondPerKey { get; init; }

    public Optional<int> BurstPerKey { get; init; }

    public Optional<double> RequestsPerSecondPerTenant { get; init; }

    public Optional<int> BurstPerTenant { get; init; }

    /// <summary>Null means unlimited.</summary>
    public Optional<long?> MonthlyRequestQuota { get; init; }

    public Optional<long?> MonthlyInputTokenQuota { get; init; }

    public Optional<long?> MonthlyOutputTokenQuota { get; init; }

    public Optional<long> MaxRequestBodyBytes { get; init; }

    /// <summary>Requests of one key in flight at once on a node (429 beyond it).</summary>
    public Optional<int> MaxConcurrentRequestsPerKey { get; init; }

    /// <summary>Requests of one tenant in flight at once on a node (429 beyond it).</summary>
    public Optional<int> MaxConcurrentRequestsPerTenant { get; init; }

    /// <summary>Null means every model.</summary>
    public Optional<List<string>?> AllowedModels { get; init; }
}

public sealed record PlanPricesRequest
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


public sealed record PlanResponse(
    Guid Id,
    string Name,
    string? Description,
    PlanLimitsResponse Limits,
    PlanPricesResponse Prices,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record PlanLimitsResponse(
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
    int MaxConcurrentRequestsPerTenant);

public sealed record PlanPricesResponse(
    string Currency,
    decimal MonthlyBaseFee,
    decimal PricePer1KRequests,
    decimal PricePer1MInputTokens,
    decimal PricePer1MOutputTokens,
    long IncludedRequests,
    long IncludedInputTokens,
    long IncludedOutputTokens);
