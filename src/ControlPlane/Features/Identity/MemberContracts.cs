using InferenceGateway.ControlPlane.Data.Identity;

namespace InferenceGateway.ControlPlane.Features.Identity;

internal static class InvitationResponses
{
    extension(InvitationResponse)
    {
        public static InvitationResponse From(Invitation i, DateTimeOffset now) => new(
            i.Id, i.TenantId, i.Email, i.Role, i.CreatedBy, i.CreatedAt, i.ExpiresAt,
            i.AcceptedAt is not null ? "accepted" : i.RevokedAt is not null ? "revoked" : i.ExpiresAt <= now ? "expired" : "pending");
    }
}
