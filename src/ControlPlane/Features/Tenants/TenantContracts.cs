using InferenceGateway.ControlPlane.Data;

namespace InferenceGateway.ControlPlane.Features.Tenants;

internal static class TenantResponses
{
    extension(TenantResponse)
    {
        public static TenantResponse From(Tenant t) => new(
            t.Id, t.Slug, t.DisplayName, t.Status.ToString().ToLowerInvariant(), t.PlanId, t.CreatedAt, t.UpdatedAt, t.SuspendedAt, t.SuspendedReason);
    }
}
