namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// A plan's spend budgets and the prices a node needs to reserve and settle them, in the plan's currency. Present
/// only on plans with at least one budget, so nodes of other plans pay nothing for budgets.
/// </summary>
public sealed record PlanBudgetSnapshot
{
    public required string Currency { get; init; }

    public required decimal PricePer1KRequests { get; init; }

    public required decimal PricePer1MInputTokens { get; init; }

    public required decimal PricePer1MOutputTokens { get; init; }

    public decimal? TenantMonthly { get; init; }

    public decimal? TenantDaily { get; init; }

    public decimal? KeyMonthly { get; init; }

    public decimal? KeyDaily { get; init; }

    /// <summary><c>enforce</c> or <c>shadow</c>.</summary>
    public required string TenantMode { get; init; }

    public required string KeyMode { get; init; }

    /// <summary><c>closed</c> or <c>local</c>.</summary>
    public required string WhenRedisDown { get; init; }
}
