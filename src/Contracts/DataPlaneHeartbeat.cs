namespace InferenceGateway.Contracts;

/// <summary>A data-plane node's periodic report: who it is, which revision it serves and whether the last apply failed.</summary>
public sealed record DataPlaneHeartbeat
{
    public required Guid MessageId { get; init; }

    public required string NodeId { get; init; }

    /// <summary>A random id of this node process: two live processes with one node id are told apart by it.</summary>
    public Guid InstanceId { get; init; }

    /// <summary>The configuration epoch of the state the node serves.</summary>
    public Guid Epoch { get; init; }

    /// <summary>The content hash (<see cref="ConfigContent.Hash"/>) of the state the node serves.</summary>
    public string? ContentHash { get; init; }

    /// <summary>Bus configuration messages dropped since the node started (bad, missing or unknown signature; wrong shape).</summary>
    public long RejectedMessages { get; init; }

    /// <summary>Why the most recent bus message was dropped.</summary>
    public string? LastRejection { get; init; }

    public DateTimeOffset? LastRejectionAt { get; init; }

    /// <summary>The most recent time the node replaced its whole state (another epoch, or a lower revision), and why.</summary>
    public string? LastReset { get; init; }

    public DateTimeOffset? LastResetAt { get; init; }

    /// <summary>The node's software version.</summary>
    public required string Version { get; init; }

    /// <summary>The revision the node serves; 0 before it holds any snapshot.</summary>
    public required long AppliedRevision { get; init; }

    public DateTimeOffset? LastAppliedAt { get; init; }

    /// <summary>Why the most recent apply failed, when it did (the node keeps serving its last good revision).</summary>
    public string? LastApplyError { get; init; }

    public DateTimeOffset? LastApplyErrorAt { get; init; }

    public required TimeSpan Uptime { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    /// <summary>Access-log entries the node dropped since it started (queue full, disk full or failing).</summary>
    public long AccessLogDropped { get; init; }

    /// <summary>Keys used since the previous heartbeat (for the keys' last-used time).</summary>
    public IReadOnlyList<KeyUse> KeysUsed { get; init; } = [];
}
