using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.Tenants;

/// <summary>PATCH body; the slug cannot change because it is part of every gateway URL of the tenant.</summary>
internal sealed record UpdateTenantRequest
{
    public Optional<string> Slug { get; init; }

    public Optional<string> DisplayName { get; init; }

    public Optional<Guid> PlanId { get; init; }
}

internal static class TenantResponses
{
    extension(TenantResponse)
    {
        public static TenantResponse From(Tenant t) => new(
            t.Id, t.Slug, t.DisplayName, t.Status.ToString().ToLowerInvariant(), t.PlanId, t.CreatedAt, t.UpdatedAt, t.SuspendedAt, t.SuspendedReason);
    }
}
