namespace InferenceGateway.Contracts;

/// <summary>
/// A new configuration revision exists. Every data-plane node receives it. A <see cref="ConfigChangeKind.Delta"/>
/// carries its changes in <see cref="Payload"/> (a <see cref="ConfigDelta"/> as JSON), signed by the control plane;
/// a node applies it only when the signature verifies with a key it trusts. A <see cref="ConfigChangeKind.Full"/>
/// carries nothing but the revision: the node pulls it over the authenticated HTTP API (used for changes that
/// carry upstream credentials, which never travel on the bus). Nodes ignore revisions they already hold and pull on
/// any gap or on another <see cref="Epoch"/>.
/// </summary>
public sealed record ConfigRevisionPublished
{
    public required Guid MessageId { get; init; }

    public required long Revision { get; init; }

    /// <summary>The configuration epoch (a random id born with the revision counter) the revision belongs to.</summary>
    public Guid Epoch { get; init; }

    /// <summary>When the change was committed in the control plane.</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    public required ConfigChangeKind Kind { get; init; }

    /// <summary>For a delta: the signed <see cref="ConfigDelta"/> as UTF-8 JSON text.</summary>
    public string? Payload { get; init; }

    /// <summary>For a delta: ECDSA P-256 (SHA-256, IEEE P1363 format) signature of the UTF-8 bytes of <see cref="Payload"/>, base64.</summary>
    public string? Signature { get; init; }

    /// <summary>Which of the control plane's signing keys made <see cref="Signature"/>.</summary>
    public string? SigningKeyId { get; init; }
}
