using InferenceGateway.ControlPlane.Data.Identity;

namespace InferenceGateway.ControlPlane.Features.OAuthClients;

internal sealed record CreateOAuthClientRequest(string? Name, List<string>? AllowedModels, bool? Admin);

/// <summary>A client as every read shows it: never its secret.</summary>
internal sealed record OAuthClientResponse(
    Guid Id,
    Guid TenantId,
    string ClientId,
    string Name,
    string Status,
    IReadOnlyList<string> AllowedModels,
    bool Admin,
    IReadOnlyList<string> Scopes,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SecretRotatedAt,
    DateTimeOffset? RevokedAt)
{
    public static OAuthClientResponse From(OAuthClient c) => new(
        c.Id, c.TenantId, c.ClientId, c.Name, c.RevokedAt is null ? "active" : "revoked", c.AllowedModels, c.Admin,
        OAuthScopes.Of(c), c.CreatedBy, c.CreatedAt, c.SecretRotatedAt, c.RevokedAt);
}

/// <summary>The answer to creating a client or rotating its secret: the only time the secret is shown.</summary>
internal sealed record OAuthClientSecretResponse(OAuthClientResponse Client, string ClientSecret);

/// <summary>The scopes of a tenant client: one per model it may call, and <c>admin</c> for the tenant's admin API.</summary>
internal static class OAuthScopes
{
    public const string ModelPrefix = Contracts.Snapshots.PlatformTokens.ModelScopePrefix;
    public const string Admin = "admin";
    public const int MaxModels = 100;

    public static IReadOnlyList<string> Of(OAuthClient client) =>
        [.. client.AllowedModels.Select(m => ModelPrefix + m), .. client.Admin ? new[] { Admin } : []];
}
