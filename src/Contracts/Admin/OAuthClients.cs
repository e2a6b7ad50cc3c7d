namespace InferenceGateway.Contracts.Admin;

public sealed record CreateOAuthClientRequest(string? Name, List<string>? AllowedModels, bool? Admin);

/// <summary>A client as every read shows it: never its secret.</summary>
public sealed record OAuthClientResponse(
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
    DateTimeOffset? RevokedAt);

/// <summary>The answer to creating a client or rotating its secret: the only time the secret is shown.</summary>
public sealed record OAuthClientSecretResponse(OAuthClientResponse Client, string ClientSecret);
