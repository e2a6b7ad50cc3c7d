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
