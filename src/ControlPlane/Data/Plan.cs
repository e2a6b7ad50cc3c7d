namespace InferenceGateway.ControlPlane.Data;

internal sealed class Plan
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    // Limits, enforced by the data plane.
    public double RequestsPerSecondPerKey { get; set; }

    public int BurstPerKey { get; set; }

    public double RequestsPerSecondPerTenant { get; set; }

    public int BurstPerTenant { get; set; }

    public long? MonthlyRequestQuota { get; set; }

    public long? MonthlyInputTokenQuota { get; set; }

    public long? MonthlyOutputTokenQuota { get; set; }

    /// <summary>What happens when a monthly quota is used up: refuse (hard) or let through and raise a quota event (soft).</summary>
    public QuotaEnforcement QuotaEnforcement { get; set; } = QuotaEnforcement.Hard;

    public long MaxRequestBodyBytes { get; set; }

    /// <summary>Requests of one key in flight at once, per node; null means the default.</summary>
    public int? MaxConcurrentRequestsPerKey { get; set; }

    /// <summary>Requests of one tenant in flight at once, per node; null means the default.</summary>
    public int? MaxConcurrentRequestsPerTenant { get; set; }

    /// <summary>Null means every model.</summary>
    public List<string>? AllowedModels { get; set; }

    /// <summary>Where each rate limit is counted (each node, or the cluster in Redis), what a cluster limit does without Redis, and shadow mode.</summary>
    public RateLimitScope RateLimitScopePerKey { get; set; } = RateLimitScope.Node;

    public RateLimitScope RateLimitScopePerTenant { get; set; } = RateLimitScope.Node;

    public RateLimitRedisDownMode RedisDownModePerKey { get; set; } = RateLimitRedisDownMode.Local;

    public RateLimitRedisDownMode RedisDownModePerTenant { get; set; } = RateLimitRedisDownMode.Local;

    public bool ShadowRateLimitPerKey { get; set; }

    public bool ShadowRateLimitPerTenant { get; set; }

    // Prices, used by billing.
    public required string Currency { get; set; }

    public decimal MonthlyBaseFee { get; set; }

    public decimal PricePer1KRequests { get; set; }

    public decimal PricePer1MInputTokens { get; set; }

    public decimal PricePer1MOutputTokens { get; set; }

    public long IncludedRequests { get; set; }

    public long IncludedInputTokens { get; set; }

    public long IncludedOutputTokens { get; set; }

    // Spend budgets in the plan's currency (null: none), enforced by the data plane at the prices above.
    public decimal? BudgetTenantMonthly { get; set; }

    public decimal? BudgetTenantDaily { get; set; }

    public decimal? BudgetKeyMonthly { get; set; }

    public decimal? BudgetKeyDaily { get; set; }

    public BudgetMode BudgetTenantMode { get; set; } = BudgetMode.Enforce;

    public BudgetMode BudgetKeyMode { get; set; } = BudgetMode.Enforce;

    public BudgetRedisDown BudgetWhenRedisDown { get; set; } = BudgetRedisDown.Closed;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
