namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// One credential's spend at the plan's prices, from the ledger, for the month and the day of the
/// <see cref="TenantQuotaUsage"/> it belongs to: the floor that credential's budget counters never count below.
/// </summary>
public sealed record CredentialSpend
{
    /// <summary>The credential id nodes meter and count budgets by (API key id, OAuth client id, or an external subject's id).</summary>
    public required Guid CredentialId { get; init; }

    public required decimal Spend { get; init; }

    public decimal DaySpend { get; init; }
}
