using InferenceGateway.ControlPlane.Data;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// Audit events of changes that do not change what nodes serve (members, invitations), so they are written without a
/// configuration revision. The summary is built from non-secret fields only.
/// </summary>
internal static class IdentityAudit
{
    public static void Add(ControlPlaneDbContext db, string actor, DateTimeOffset at, Guid tenantId, string action, string target, string summary) =>
        db.AuditEvents.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            At = at,
            Actor = actor,
            TenantId = tenantId,
            Action = action,
            Target = target,
            Summary = summary.Length <= 2000 ? summary : summary[..1999] + "…",
        });
}
