namespace InferenceGateway.Contracts;

/// <summary>
/// What a data-plane node served since its previous batch, per tenant, credential, model and minute. The batch id
/// is fixed before the first send and kept through retries and journal replays, so the control plane applies each
/// batch once however often it arrives.
/// </summary>
public sealed record UsageReported
{
    public required Guid BatchId { get; init; }

    public required string NodeId { get; init; }

    /// <summary>When the node closed the batch (it keeps this time through retries).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public required IReadOnlyList<UsageCell> Cells { get; init; }
}

/// <summary>The usage of one credential of one tenant on one model in one UTC minute.</summary>
public sealed record UsageCell
{
    public required Guid TenantId { get; init; }

    /// <summary>The credential's id: an API key's id, an OAuth client's id, or an external token's subject.</summary>
    public required string CredentialId { get; init; }

    /// <summary><c>api-key</c>, <c>oauth-client</c> or <c>external-jwt</c>.</summary>
    public required string CredentialKind { get; init; }

    public required string Model { get; init; }

    /// <summary>The start of the minute, UTC.</summary>
    public required DateTimeOffset Minute { get; init; }

    public long Requests2xx { get; init; }

    public long Requests3xx { get; init; }

    public long Requests4xx { get; init; }

    public long Requests5xx { get; init; }

    public long BytesIn { get; init; }

    public long BytesOut { get; init; }

    public long LatencySumMicros { get; init; }

    /// <summary>Requests per latency bucket (<see cref="UsageLatencyBuckets"/>), <see cref="UsageLatencyBuckets.Count"/> entries.</summary>
    public IReadOnlyList<long> LatencyBuckets { get; init; } = [];

    /// <summary>Input tokens, reported or estimated.</summary>
    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    /// <summary>The part of <see cref="InputTokens"/> the node estimated with a tokenizer (the model reported none).</summary>
    public long EstimatedInputTokens { get; init; }

    public long EstimatedOutputTokens { get; init; }

    /// <summary>Responses whose reported usage was untrustworthy (negative, huge, not a number) and ignored.</summary>
    public long MalformedUsage { get; init; }

    /// <summary>Requests a rate limit in shadow mode would have refused (they were served). Absent from older nodes: 0.</summary>
    public long WouldHaveBeenLimited { get; init; }
    /// <summary>Requests a spend budget in shadow mode would have refused (they were served).</summary>
    public long BudgetWouldLimit { get; init; }
}
