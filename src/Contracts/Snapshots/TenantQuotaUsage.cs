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
}
