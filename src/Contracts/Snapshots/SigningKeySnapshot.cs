namespace InferenceGateway.Contracts.Snapshots;

/// <summary>A public key the control plane signs bus deltas with (ECDSA P-256).</summary>
public sealed record SigningKeySnapshot
{
    /// <summary>A short id: the first 16 hex digits of the SHA-256 of <see cref="PublicKey"/>'s bytes.</summary>
    public required string KeyId { get; init; }

    /// <summary>SubjectPublicKeyInfo (DER), base64.</summary>
    public required string PublicKey { get; init; }
}
