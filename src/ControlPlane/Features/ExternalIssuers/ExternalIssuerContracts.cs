using InferenceGateway.ControlPlane.Data.Identity;

namespace InferenceGateway.ControlPlane.Features.ExternalIssuers;

/// <summary>The wire records are in <c>InferenceGateway.Contracts.Admin</c>; the mapping from the entity stays here.</summary>
internal static class ExternalIssuerResponses
{
    extension(ExternalIssuerResponse)
    {
        public static ExternalIssuerResponse From(ExternalIssuer i) => new(
            i.Id, i.TenantId, i.Name, i.Issuer, i.JwksUrl, i.Audience, i.ClaimName,
            [.. i.Mappings.Select(m => new ClaimMappingDto(m.Value, [.. m.AllowedModels], m.PlanId))], i.CreatedBy, i.CreatedAt, i.UpdatedAt,
            ExternalIssuerTokenTypes.Parse(i.AcceptedTokenTypes));
    }
}
