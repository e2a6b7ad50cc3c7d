using InferenceGateway.ControlPlane.Data.Identity;

namespace InferenceGateway.ControlPlane.Features.Identity;

internal sealed record MemberResponse(Guid UserId, string Email, string Role, DateTimeOffset CreatedAt);

internal sealed record ChangeMemberRequest(string? Role);

internal sealed record CreateInvitationRequest(string? Email, string? Role);

internal sealed record InvitationResponse(Guid Id, Guid TenantId, string Email, string Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string State)
{
    public static InvitationResponse From(Invitation i, DateTimeOffset now) => new(
        i.Id, i.TenantId, i.Email, i.Role, i.CreatedBy, i.CreatedAt, i.ExpiresAt,
        i.AcceptedAt is not null ? "accepted" : i.RevokedAt is not null ? "revoked" : i.ExpiresAt <= now ? "expired" : "pending");
}

/// <summary>The invitation with its link token: shown this once, never stored in the clear.</summary>
internal sealed record InvitationSecretResponse(InvitationResponse Invitation, string Token);

internal sealed record AcceptInvitationRequest(string? Token, string? Password);

internal sealed record AcceptInvitationResponse(Guid UserId, string Email, Guid TenantId, string Role);
