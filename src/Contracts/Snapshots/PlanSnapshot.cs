namespace InferenceGateway.Contracts.Snapshots;

/// <summary>The limits of a plan that the data plane enforces (prices stay in the control plane).</summary>
public sealed record PlanSnapshot
{
    public required Guid PlanId { get; init; }

    public required string Name { get; init; }

    public required double RequestsPerSecondPerKey { get; init; }

    public required int BurstPerKey { get; init; }

    public required double RequestsPerSecondPerTenant { get; init; }

    public required int BurstPerTenant { get; init; }

    /// <summary>Requests per calendar month (UTC); null means unlimited.</summary>
    public long? MonthlyRequestQuota { get; init; }

    public long? MonthlyInputTokenQuota { get; init; }

    public long? MonthlyOutputTokenQuota { get; init; }

    /// <summary><c>hard</c> (refuse past a quota) or <c>soft</c> (serve, and the control plane records a quota event); null means hard.</summary>
    public string? QuotaEnforcement { get; init; }

    public required long MaxRequestBodyBytes { get; init; }

    /// <summary>Requests of one key in flight at once on a node; null means unbounded (older control planes).</summary>
    public int? MaxConcurrentRequestsPerKey { get; init; }

    /// <summary>Requests of one tenant in flight at once on a node; null means unbounded.</summary>
    public int? MaxConcurrentRequestsPerTenant { get; init; }

    /// <summary>Model slugs the plan allows; null means every model.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }

    /// <summary>Where the per-key rate limit is counted: <c>node</c> or <c>cluster</c>; null means node.</summary>
    public string? RateLimitScopePerKey { get; init; }

    public string? RateLimitScopePerTenant { get; init; }

    /// <summary>A cluster limit while Redis is unreachable: <c>local</c> or <c>closed</c>; null means local.</summary>
    public string? RedisDownModePerKey { get; init; }

    public string? RedisDownModePerTenant { get; init; }

    /// <summary>Shadow mode: count what the rule would refuse, refuse nothing; null means off.</summary>
    public bool? ShadowRateLimitPerKey { get; init; }

    public bool? ShadowRateLimitPerTenant { get; init; }
    /// <summary>Spend budgets with the prices to count them; null when the plan has none.</summary>
    public PlanBudgetSnapshot? Budget { get; init; }
}
