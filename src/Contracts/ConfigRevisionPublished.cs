namespace InferenceGateway.Contracts;

/// <summary>
/// A new configuration revision exists. Every data-plane node receives it. A <see cref="ConfigChangeKind.Delta"/>
/// carries its changes and applies on top of <c>Revision - 1</c>; a <see cref="ConfigChangeKind.Full"/> tells the
/// node to pull the snapshot over HTTP. Nodes ignore revisions they already hold and pull on any gap.
/// </summary>
public sealed record ConfigRevisionPublished
{
    public required Guid MessageId { get; init; }

    public required long Revision { get; init; }

    /// <summary>When the change was committed in the control plane.</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    public required ConfigChangeKind Kind { get; init; }

    /// <summary>The changes of a delta revision; empty for a full one.</summary>
    public IReadOnlyList<ConfigChange> Changes { get; init; } = [];
}
