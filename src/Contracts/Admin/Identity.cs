namespace InferenceGateway.Contracts.Admin;

/// <summary>A tenant the caller belongs to, with its role there.</summary>
public sealed record MeTenant(Guid TenantId, string Slug, string DisplayName, string Role);

/// <summary>The answer of <c>GET /api/v1/me</c>.</summary>
public sealed record MeResponse(string Kind, string Actor, Guid? UserId, string? Email, IReadOnlyList<string> Roles, IReadOnlyList<MeTenant> Tenants);

public sealed record MemberResponse(Guid UserId, string Email, string Role, DateTimeOffset CreatedAt);

public sealed record ChangeMemberRequest(string? Role);

public sealed record CreateInvitationRequest(string? Email, string? Role);

public sealed record InvitationResponse(Guid Id, Guid TenantId, string Email, string Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string State);

/// <summary>The invitation with its link token: shown this once, never stored in the clear.</summary>
public sealed record InvitationSecretResponse(InvitationResponse Invitation, string Token);

public sealed record AcceptInvitationRequest(string? Token, string? Password);

public sealed record AcceptInvitationResponse(Guid UserId, string Email, Guid TenantId, string Role);
