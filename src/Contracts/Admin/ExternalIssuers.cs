namespace InferenceGateway.Contracts.Admin;

/// <summary>What one value of the issuer's claim grants: models, and optionally the plan whose per-credential limits apply.</summary>
public sealed record ClaimMappingDto(string? Value, List<string>? AllowedModels, Guid? PlanId);

/// <summary>Registers or replaces an external issuer.</summary>
public sealed record ExternalIssuerRequest(string? Name, string? Issuer, string? JwksUrl, string? Audience, string? ClaimName, List<ClaimMappingDto>? Mappings);

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
    DateTimeOffset UpdatedAt);
