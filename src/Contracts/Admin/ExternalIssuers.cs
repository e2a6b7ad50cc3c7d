namespace InferenceGateway.Contracts.Admin;

/// <summary>What one value of the issuer's claim grants: models, and optionally the plan whose per-credential limits apply.</summary>
public sealed record ClaimMappingDto(string? Value, List<string>? AllowedModels, Guid? PlanId);

/// <summary>
/// Registers or replaces an external issuer. <paramref name="AcceptedTokenTypes"/>: the JWT header <c>typ</c> values
/// accepted from this issuer, <c>at+jwt</c> (RFC 9068, the default when omitted) and/or <c>JWT</c> (what Auth0, Okta,
/// Cognito and Entra ID put on their access tokens).
/// </summary>
public sealed record ExternalIssuerRequest(
    string? Name, string? Issuer, string? JwksUrl, string? Audience, string? ClaimName, List<ClaimMappingDto>? Mappings, List<string>? AcceptedTokenTypes = null);

public sealed record ExternalIssuerResponse(
    Guid Id,
    Guid TenantId,
    string Name,
    string Issuer,
    string JwksUrl,
    string Audience,
    string ClaimName,
    IReadOnlyList<ClaimMappingDto> Mappings,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> AcceptedTokenTypes);
