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
}
