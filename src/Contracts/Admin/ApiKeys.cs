namespace InferenceGateway.Contracts.Admin;

public sealed record CreateApiKeyRequest(string? Name, List<string>? AllowedModels, DateTimeOffset? ExpiresAt);

public sealed record RotateApiKeyRequest(int? GracePeriodSeconds);

/// <summary>A key as every read shows it: never its secret.</summary>
public sealed record ApiKeyResponse(
    Guid Id,
    Guid TenantId,
    string Name,
    string Prefix,
    string Status,
    IReadOnlyList<string>? AllowedModels,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RotatedAt,
    DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset? LastUsedAt);

/// <summary>The answer to creating or rotating a key: the only time the secret is ever shown.</summary>
public sealed record ApiKeySecretResponse(ApiKeyResponse ApiKey, string Key);

/// <summary>One key of a batch: the same fields as a single issuance.</summary>
public sealed record BatchApiKeyItem(string? Name, List<string>? AllowedModels, DateTimeOffset? ExpiresAt);

public sealed record CreateApiKeyBatchRequest(List<BatchApiKeyItem>? Keys);

/// <summary>The answer to a batch: every key with its secret, in the order asked, shown this once.</summary>
public sealed record ApiKeyBatchResponse(IReadOnlyList<ApiKeySecretResponse> Keys);
