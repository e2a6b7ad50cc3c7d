namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// The control plane's ECDSA P-256 key for signing bus deltas, when none is configured: generated once, stored
/// encrypted with Data Protection (whose key ring is encrypted under the master key), shared by every replica.
/// </summary>
internal sealed class ConfigSigningKey
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public required string KeyId { get; set; }

    public required string ProtectedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
