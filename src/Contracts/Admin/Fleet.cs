namespace InferenceGateway.Contracts.Admin;

/// <summary>A data-plane node as the fleet view shows it.</summary>
public sealed record NodeResponse(
    string NodeId,
    string Version,
    string State,
    long AppliedRevision,
    long CurrentRevision,
    long Lag,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? LastAppliedAt,
    string? LastApplyError,
    DateTimeOffset? LastApplyErrorAt,
    double UptimeSeconds,
    long AccessLogDropped,
    Guid Epoch,
    string? ContentHash,
    long RejectedMessages,
    string? LastRejection,
    DateTimeOffset? LastRejectionAt,
    string? LastReset,
    DateTimeOffset? LastResetAt);

public sealed record FleetResponse(long CurrentRevision, Guid Epoch, string CurrentContentHash, IReadOnlyList<NodeResponse> Nodes);
