namespace InferenceGateway.ControlPlane.Data;

/// <summary>The last heartbeat of a data-plane node, for the fleet view.</summary>
internal sealed class DataPlaneNode
{
    public required string NodeId { get; set; }

    public required string Version { get; set; }

    public long AppliedRevision { get; set; }

    public DateTimeOffset? LastAppliedAt { get; set; }

    public string? LastApplyError { get; set; }

    public DateTimeOffset? LastApplyErrorAt { get; set; }

    public TimeSpan Uptime { get; set; }

    /// <summary>Access-log entries the node dropped since it started.</summary>
    public long AccessLogDropped { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The node process that holds this node id (from its pulls and heartbeats).</summary>
    public Guid InstanceId { get; set; }

    /// <summary>When <see cref="InstanceId"/> last pulled or sent a heartbeat: another instance is refused until this lease lapses.</summary>
    public DateTimeOffset InstanceSeenAt { get; set; }

    public Guid Epoch { get; set; }

    public string? ContentHash { get; set; }

    public long RejectedMessages { get; set; }

    public string? LastRejection { get; set; }

    public DateTimeOffset? LastRejectionAt { get; set; }

    public string? LastReset { get; set; }

    public DateTimeOffset? LastResetAt { get; set; }
}
