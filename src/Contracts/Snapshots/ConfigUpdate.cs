namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// The answer to <c>GET /api/v1/dataplane/snapshot?since={revision}</c>: the changes since that revision when every
/// revision in between was a delta, otherwise the full snapshot.
/// </summary>
public sealed record ConfigUpdate
{
    public required ConfigChangeKind Kind { get; init; }

    public required long Revision { get; init; }

    /// <summary>The control plane's configuration epoch.</summary>
    public Guid Epoch { get; init; }

    /// <summary>For a delta: the revision the changes apply on top of.</summary>
    public long? FromRevision { get; init; }

    /// <summary>For a delta: the changes, oldest first.</summary>
    public IReadOnlyList<ConfigChange> Changes { get; init; } = [];

    /// <summary>For a full update: the snapshot.</summary>
    public ConfigSnapshot? Snapshot { get; init; }
}
