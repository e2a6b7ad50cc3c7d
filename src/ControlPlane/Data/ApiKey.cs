namespace InferenceGateway.ControlPlane.Data;

internal sealed class ApiKey
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    /// <summary>The public id inside the key's text; shown as the key's prefix.</summary>
    public required string PublicId { get; set; }

    /// <summary>SHA-256 of the key's text. The text itself is never stored.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>After a rotation with a grace period, the previous secret's hash, valid until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public byte[]? PreviousSecretHash { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>Null means every model the tenant's plan allows.</summary>
    public List<string>? AllowedModels { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RotatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Incremented by every change of the key: two concurrent changes (a revoke and a rotate) cannot both commit.</summary>
    public int Version { get; set; }
}
