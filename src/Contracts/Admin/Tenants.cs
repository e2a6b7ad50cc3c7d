namespace InferenceGateway.Contracts.Admin;

public sealed record CreateTenantRequest(string? Slug, string? DisplayName, Guid? PlanId);

public sealed record SuspendTenantRequest(string? Reason);

public sealed record TenantResponse(
    Guid Id,
    string Slug,
    string DisplayName,
    string Status,
    Guid PlanId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SuspendedAt,
    string? SuspendedReason);

/// <summary>PATCH body; the slug cannot change because it is part of every gateway URL of the tenant.</summary>
public sealed record UpdateTenantRequest
{
    public Optional<string> Slug { get; init; }

    public Optional<string> DisplayName { get; init; }

    public Optional<Guid> PlanId { get; init; }
}
