using InferenceGateway.ControlPlane.Data.Identity;

namespace InferenceGateway.ControlPlane.Features.ExternalIssuers;

/// <summary>What one value of the issuer's claim grants: models, and optionally the plan whose per-credential limits apply.</summary>
internal sealed record ClaimMappingDto(string? Value, List<string>? AllowedModels, Guid? PlanId);

/// <summary>Registers or replaces an external issuer.</summary>
internal sealed record ExternalIssuerRequest(string? Name, string? Issuer, string? JwksUrl, string? Audience, string? ClaimName, List<ClaimMappingDto>? Mappings);

internal sealed record ExternalIssuerResponse(
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
    DateTimeOffset UpdatedAt)
{
    public static ExternalIssuerResponse From(ExternalIssuer i) => new(
        i.Id, i.TenantId, i.Name, i.Issuer, i.JwksUrl, i.Audience, i.ClaimName,
        [.. i.Mappings.Select(m => new ClaimMappingDto(m.Value, [.. m.AllowedModels], m.PlanId))], i.CreatedBy, i.CreatedAt, i.UpdatedAt);
}
