namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// What a tenant had consumed of its monthly quotas when the control plane last pushed it (from the usage
/// ledger). Nodes add what they serve themselves until the next push.
/// </summary>
public sealed record TenantQuotaUsage
{
    /// <summary>The first instant of the calendar month (UTC) the figures are for.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    public required long Requests { get; init; }

    public required long InputTokens { get; init; }

    public required long OutputTokens { get; init; }

    /// <summary>Spend of the month at the plan's prices, from the ledger: the floor a node's budget counters start from.</summary>
    public decimal Spend { get; init; }

    /// <summary>The day (UTC) <see cref="DaySpend"/> is for; null before a daily figure was pushed.</summary>
    public DateTimeOffset? Day { get; init; }

    public decimal DaySpend { get; init; }

    /// <summary>
    /// On plans with a per-credential budget: the spend of each credential that spent this month, ordered by id
    /// (null when none did), so a Redis that lost its data does not reset a key's budget either.
    /// </summary>
    public IReadOnlyList<CredentialSpend>? Credentials { get; init; }
}
