namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// One credential's spend at the plan's prices as last pushed to the nodes (QuotaPusher), for plans with a
/// per-credential budget: the month's and the day's of the tenant's <see cref="Tenant.QuotaPeriodStart"/> and
/// <see cref="Tenant.BudgetDay"/>. Owned by the tenant (loaded with it), so the compiler and every tenant delta carry
/// the same figures. Read from the ledger on every push, never added to, so it counts each batch exactly once.
/// </summary>
internal sealed class CredentialBudgetSpend
{
    /// <summary>The credential id as the ledger holds it (<c>UsageAggregate.CredentialId</c>).</summary>
    public required string CredentialId { get; set; }

    public decimal Spend { get; set; }

    public decimal DaySpend { get; set; }
}
