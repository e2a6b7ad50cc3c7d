namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// A data-plane node's credential for the snapshot API, issued through the admin API: only its SHA-256 is kept.
/// A revoked row also refuses a token configured for the same node id, so any node token can be cut off alone.
/// </summary>
internal sealed class NodeCredential
{
    public required string NodeId { get; set; }

    /// <summary>SHA-256 of the token; null once revoked.</summary>
    public byte[]? TokenHash { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public required string IssuedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
