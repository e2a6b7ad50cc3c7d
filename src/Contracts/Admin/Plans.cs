namespace InferenceGateway.Contracts.Admin;

/// <summary>Body of POST (name required; omitted fields take defaults) and PATCH (omitted fields stay as they are).</summary>
public sealed record PlanRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string?> Description { get; init; }

    public PlanLimitsRequest? Limits { get; init; }

    public PlanPricesRequest? Prices { get; init; }

    /// <summary>Spend budgets in the plan's currency; omitted fields stay as they are.</summary>
    public PlanBudgetsRequest? Budgets { get; init; }
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

    /// <summary><c>hard</c>: past a quota, requests get 429. <c>soft</c>: they are served and a quota event is recorded.</summary>
    public Optional<QuotaEnforcement> QuotaEnforcement { get; init; }

    public Optional<long> MaxRequestBodyBytes { get; init; }

    /// <summary>Requests of one key in flight at once on a node (429 beyond it).</summary>
    public Optional<int> MaxConcurrentRequestsPerKey { get; init; }

    /// <summary>Requests of one tenant in flight at once on a node (429 beyond it).</summary>
    public Optional<int> MaxConcurrentRequestsPerTenant { get; init; }

    /// <summary>Null means every model.</summary>
    public Optional<List<string>?> AllowedModels { get; init; }

    /// <summary><c>node</c> (each node on its own, the default) or <c>cluster</c> (one limit for the fleet, counted in Redis).</summary>
    public Optional<RateLimitScope> RateLimitScopePerKey { get; init; }

    public Optional<RateLimitScope> RateLimitScopePerTenant { get; init; }

    /// <summary>A cluster limit while Redis is unreachable: <c>local</c> (fair share per node, the default) or <c>closed</c> (429).</summary>
    public Optional<RateLimitRedisDownMode> RedisDownModePerKey { get; init; }

    public Optional<RateLimitRedisDownMode> RedisDownModePerTenant { get; init; }

    /// <summary>Shadow mode: the rule counts what it would have refused and refuses nothing.</summary>
    public Optional<bool> ShadowRateLimitPerKey { get; init; }

    public Optional<bool> ShadowRateLimitPerTenant { get; init; }
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
    DateTimeOffset UpdatedAt,
    PlanBudgetsResponse? Budgets = null);

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
    int MaxConcurrentRequestsPerTenant,
    QuotaEnforcement QuotaEnforcement,
    RateLimitScope RateLimitScopePerKey = RateLimitScope.Node,
    RateLimitScope RateLimitScopePerTenant = RateLimitScope.Node,
    RateLimitRedisDownMode RedisDownModePerKey = RateLimitRedisDownMode.Local,
    RateLimitRedisDownMode RedisDownModePerTenant = RateLimitRedisDownMode.Local,
    bool ShadowRateLimitPerKey = false,
    bool ShadowRateLimitPerTenant = false);

public sealed record PlanPricesResponse(
    string Currency,
    decimal MonthlyBaseFee,
    decimal PricePer1KRequests,
    decimal PricePer1MInputTokens,
    decimal PricePer1MOutputTokens,
    long IncludedRequests,
    long IncludedInputTokens,
    long IncludedOutputTokens);

/// <summary>What a node does with a request of a tenant whose monthly quota is used up.</summary>
public enum QuotaEnforcement
{
    /// <summary>Refuse with 429 (problem type quota-exceeded, <c>x-should-retry: false</c>).</summary>
    Hard,

    /// <summary>Let the request through; the control plane records a quota event.</summary>
    Soft,
}

/// <summary>
/// Hard spend budgets, in the plan's currency at the plan's prices (requests, input and output tokens; before
/// included units and the base fee). Null amounts mean no budget. Each rule (tenant, key) is enforced or shadowed.
/// </summary>
public sealed record PlanBudgetsRequest
{
    public Optional<decimal?> TenantMonthly { get; init; }

    public Optional<decimal?> TenantDaily { get; init; }

    /// <summary>A budget for each credential (API key or OAuth client) of a tenant on the plan.</summary>
    public Optional<decimal?> KeyMonthly { get; init; }

    public Optional<decimal?> KeyDaily { get; init; }

    public Optional<BudgetMode> TenantMode { get; init; }

    public Optional<BudgetMode> KeyMode { get; init; }

    /// <summary>What nodes do with a budget-limited request while Redis is unreachable: refuse (<c>closed</c>, the default) or count on the node alone (<c>local</c>).</summary>
    public Optional<BudgetRedisDown> WhenRedisDown { get; init; }
}

public sealed record PlanBudgetsResponse(
    decimal? TenantMonthly,
    decimal? TenantDaily,
    decimal? KeyMonthly,
    decimal? KeyDaily,
    BudgetMode TenantMode,
    BudgetMode KeyMode,
    BudgetRedisDown WhenRedisDown);

/// <summary>What a budget rule does with a request it cannot reserve.</summary>
public enum BudgetMode
{
    /// <summary>Refuse with 429 (problem type budget-exceeded, <c>x-should-retry: false</c>).</summary>
    Enforce,

    /// <summary>Serve it, and count it as "would have been limited".</summary>
    Shadow,
}

/// <summary>What a node does with a budget-limited request while Redis is unreachable.</summary>
public enum BudgetRedisDown
{
    /// <summary>Refuse with 429 (the budget cannot be proven to hold).</summary>
    Closed,

    /// <summary>Reserve on the node alone from the last spend the control plane pushed (a budget then holds per node, not across them).</summary>
    Local,
}
