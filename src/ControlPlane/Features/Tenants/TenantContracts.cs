using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.Tenants;

internal sealed record CreateTenantRequest(string? Slug, string? DisplayName, Guid? PlanId);

/// <summary>PATCH body; the slug cannot change because it is part of every gateway URL of the tenant.</summary>
internal sealed record UpdateTenantRequest
{
    public Optional<string> Slug { get; init; }

    public Optional<string> DisplayName { get; init; }

    public Optional<Guid> PlanId { get; init; }
}

internal sealed record SuspendTenantRequest(string? Reason);

internal sealed record TenantResponse(
    Guid Id,
    string Slug,
    string DisplayName,
    string Status,
    Guid PlanId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SuspendedAt,
    string? SuspendedReason)
{
    public static TenantResponse From(Tenant t) => new(
        t.Id, t.Slug, t.DisplayName, t.Status.ToString().ToLowerInvariant(), t.PlanId, t.CreatedAt, t.UpdatedAt, t.SuspendedAt, t.SuspendedReason);
}
