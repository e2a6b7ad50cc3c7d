using InferenceGateway.ControlPlane.Data;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.ControlPlane.Features.ApiKeys;

/// <summary>The wire records live in <c>InferenceGateway.Contracts.Admin</c>, shared with the typed client; the mapping from the entity stays here.</summary>
internal static class ApiKeyResponses
{
    extension(ApiKeyResponse)
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
}

internal static class ApiKeyStatus
{
    public static string Of(ApiKey key, DateTimeOffset now) =>
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt is { } e && e <= now ? "expired" : "active";
}
