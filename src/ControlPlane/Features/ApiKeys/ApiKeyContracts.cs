using InferenceGateway.ControlPlane.Data;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.ControlPlane.Features.ApiKeys;

internal sealed record CreateApiKeyRequest(string? Name, List<string>? AllowedModels, DateTimeOffset? ExpiresAt);

internal sealed record RotateApiKeyRequest(int? GracePeriodSeconds);

/// <summary>A key as every read shows it: never its secret.</summary>
internal sealed record ApiKeyResponse(
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
    DateTimeOffset? LastUsedAt)
{
    public static ApiKeyResponse From(ApiKey k, DateTimeOffset now) => new(
        k.Id,
        k.TenantId,
        k.Name,
        ApiKeyText.DisplayPrefix(k.PublicId),
        ApiKeyStatus.Of(k, now),
        k.AllowedModels,
        k.ExpiresAt,
        k.RevokedAt,
        k.CreatedBy,
        k.CreatedAt,
        k.RotatedAt,
        k.PreviousSecretExpiresAt is { } until && until > now ? until : null,
        k.LastUsedAt);
}

/// <summary>The answer to creating or rotating a key: the only time the secret is ever shown.</summary>
internal sealed record ApiKeySecretResponse(ApiKeyResponse ApiKey, string Key);

internal static class ApiKeyStatus
{
    public static string Of(ApiKey key, DateTimeOffset now) =>
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt is { } e && e <= now ? "expired" : "active";
}
