namespace InferenceGateway.Contracts.Snapshots;

/// <summary>A live API key as nodes see it: its hash, never its secret. Revoked keys are absent.</summary>
public sealed record ApiKeySnapshot
{
    public required Guid KeyId { get; init; }

    /// <summary>The public id that appears in the key's text and in logs.</summary>
    public required string PublicId { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>SHA-256 of the key's text, lowercase hex.</summary>
    public required string Hash { get; init; }

    /// <summary>After a rotation with a grace period: the previous secret's hash, valid until <see cref="PreviousHashExpiresAt"/>.</summary>
    public string? PreviousHash { get; init; }

    public DateTimeOffset? PreviousHashExpiresAt { get; init; }

    /// <summary>Model slugs the key may call; null means every model the plan allows.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }
}
