using InferenceGateway.ControlPlane.Data.Identity;

namespace InferenceGateway.ControlPlane.Features.OAuthClients;

internal static class OAuthClientResponses
{
    extension(OAuthClientResponse)
    {
        public static OAuthClientResponse From(OAuthClient c) => new(
            c.Id, c.TenantId, c.ClientId, c.Name, c.RevokedAt is null ? "active" : "revoked", c.AllowedModels, c.Admin,
            OAuthScopes.Of(c), c.CreatedBy, c.CreatedAt, c.SecretRotatedAt, c.RevokedAt);
    }
}

/// <summary>The scopes of a tenant client: one per model it may call, and <c>admin</c> for the tenant's admin API.</summary>
internal static class OAuthScopes
{
    public const string ModelPrefix = Contracts.Snapshots.PlatformTokens.ModelScopePrefix;
    public const string Admin = "admin";
    public const int MaxModels = 100;

    public static IReadOnlyList<string> Of(OAuthClient client) =>
        [.. client.AllowedModels.Select(m => ModelPrefix + m), .. client.Admin ? new[] { Admin } : []];
}
