namespace InferenceGateway.Contracts;

/// <summary>
/// What the control plane signs for the bus: the changes that take a node of <see cref="Epoch"/> from
/// <see cref="FromRevision"/> to <see cref="Revision"/>. Nodes verify the signature over the exact bytes received
/// and apply what those bytes say, never fields outside them.
/// </summary>
public sealed record ConfigDelta
{
    public required Guid Epoch { get; init; }

    public required long Revision { get; init; }

    public required long FromRevision { get; init; }

    public required IReadOnlyList<ConfigChange> Changes { get; init; }
}
