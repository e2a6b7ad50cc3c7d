namespace InferenceGateway.ControlPlane.Data;

internal sealed class Tenant
{
    public Guid Id { get; set; }

    /// <summary>Appears in gateway URLs, so it never changes after creation.</summary>
    public required string Slug { get; set; }

    public required string DisplayName { get; set; }

    public TenantStatus Status { get; set; } = TenantStatus.Active;

    public Guid PlanId { get; set; }

    public Plan? Plan { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }

    public string? SuspendedReason { get; set; }

    // Consumption of the plan's monthly quotas as last pushed to the nodes (QuotaPusher), so the compiler and the
    // deltas carry the same figures. Null period: nothing pushed yet.
    public DateTimeOffset? QuotaPeriodStart { get; set; }

    public long QuotaRequestsConsumed { get; set; }

    public long QuotaInputTokensConsumed { get; set; }

    public long QuotaOutputTokensConsumed { get; set; }

    // Spend at the plan's prices as last pushed (QuotaPusher), for plans with a budget: the month's and one day's (UTC).
    public decimal BudgetSpend { get; set; }

    public DateTimeOffset? BudgetDay { get; set; }

    public decimal BudgetDaySpend { get; set; }

    /// <summary>The same per credential that spent this month, on plans with a per-credential budget.</summary>
    public List<CredentialBudgetSpend> CredentialSpend { get; set; } = [];
}

internal enum TenantStatus
{
    Active,
    Suspended,
}
