using System.Security.Cryptography;
using System.Text;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>A tenant's members and invitations (tenant admins), and accepting an invitation (anyone holding its token).</summary>
internal static class MembersApi
{
    public const string InvitationTokenPrefix = "igwinv_";

    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder tenant)
    {
        var members = tenant.MapGroup("/members").WithTags("Members").AllowTenantRoles(Roles.TenantAdmin);
        members.MapGet("/", ListAsync).WithName("ListMembers").WithSummary("The tenant's members and their roles.");
        members.MapPatch("/{userId:guid}", ChangeRoleAsync).WithName("ChangeMemberRole").WithSummary("Give a member another role in the tenant.");
        members.MapDelete("/{userId:guid}", RemoveAsync).WithName("RemoveMember").WithSummary("Remove a member from the tenant; the user's other tenants are unaffected.");

        var invitations = tenant.MapGroup("/invitations").WithTags("Members").AllowTenantRoles(Roles.TenantAdmin);
        invitations.MapPost("/", InviteAsync).WithName("CreateInvitation")
            .WithSummary("Invite someone by email with a role. The response holds the link token: it is shown this once.");
        invitations.MapGet("/", ListInvitationsAsync).WithName("ListInvitations").WithSummary("The tenant's invitations, newest first.");
        invitations.MapPost("/{invitationId:guid}/revoke", RevokeInvitationAsync).WithName("RevokeInvitation").WithSummary("Revoke an invitation that was not accepted yet.");
        return tenant;
    }

    public static IEndpointRouteBuilder MapInvitationAcceptance(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/invitations/accept", AcceptAsync).AllowAnonymous().DisableAntiforgery().AddEndpointFilter<ControlCharacterFilter>()
            .WithTags("Members").WithName("AcceptInvitation")
            .WithSummary("Accept an invitation with its token. A new user sets a password here; an existing user just joins the tenant.");
        return endpoints;
    }

    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static async Task<Results<Ok<List<MemberResponse>>, ProblemHttpResult>> ListAsync(Guid tenantId, ControlPlaneDbContext db, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var rows = await (from m in db.TenantMemberships.AsNoTracking()
                          join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                          where m.TenantId == tenantId
                          orderby u.Email
                          select new MemberResponse(u.Id, u.Email!, m.Role, m.CreatedAt)).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> ChangeRoleAsync(Guid tenantId, Guid userId, ChangeMemberRequest request, ControlPlaneDbContext db, AdminCallerAccessor callers, TimeProvider time, CancellationToken ct)
    {
        if (!Roles.IsTenantRole(request.Role))
        {
            var errors = new ValidationErrors();
            errors.Add("role", $"The role is one of: {string.Join(", ", Roles.TenantRoles)}.");
            return errors.ToResult();
        }

        if (await db.TenantMemberships.FirstOrDefaultAsync(m => m.TenantId == tenantId && m.UserId == userId, ct) is not { } membership)
        {
            return Problems.NotFound("member");
        }

        if (membership.Role == Roles.TenantAdmin && request.Role != Roles.TenantAdmin && await IsLastAdminAsync(db, tenantId, ct))
        {
            return Problems.Conflict("The tenant's last tenant admin cannot lose the role; make another member tenant admin first.");
        }

        var before = membership.Role;
        membership.Role = request.Role!;
        Audit(db, callers, time, tenantId, "member.role_changed", userId, $"Changed a member's role from {before} to {membership.Role}.");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await MemberAsync(db, membership, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(Guid tenantId, Guid userId, ControlPlaneDbContext db, AdminCallerAccessor callers, TimeProvider time, CancellationToken ct)
    {
        if (await db.TenantMemberships.FirstOrDefaultAsync(m => m.TenantId == tenantId && m.UserId == userId, ct) is not { } membership)
        {
            return Problems.NotFound("member");
        }

        if (membership.Role == Roles.TenantAdmin && await IsLastAdminAsync(db, tenantId, ct))
        {
            return Problems.Conflict("The tenant's last tenant admin cannot be removed; make another member tenant admin first.");
        }

        db.TenantMemberships.Remove(membership);
        Audit(db, callers, time, tenantId, "member.removed", userId, $"Removed a member ({membership.Role}).");
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<InvitationSecretResponse>, ValidationProblem, ProblemHttpResult>> InviteAsync(
        Guid tenantId, CreateInvitationRequest request, ControlPlaneDbContext db, AdminCallerAccessor callers, TimeProvider time,
        IOptions<PlatformIdentityOptions> options, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        var email = request.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 256 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
        {
            errors.Add("email", "An email address of at most 256 characters is required.");
        }

        if (!Roles.IsTenantRole(request.Role))
        {
            errors.Add("role", $"The role is one of: {string.Join(", ", Roles.TenantRoles)}.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var now = time.GetUtcNow();
        var token = InvitationTokenPrefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            Email = email!,
            Role = request.Role!,
            TokenHash = HashToken(token),
            CreatedAt = now,
            CreatedBy = callers.Caller.Actor,
            ExpiresAt = now + options.Value.InvitationLifetime,
        };
        db.Invitations.Add(invitation);
        Audit(db, callers, time, tenantId, "invitation.created", invitation.Id, $"Invited {invitation.Email} as {invitation.Role}.", "invitation");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created(
            $"/api/v1/tenants/{tenantId}/invitations/{invitation.Id}",
            new InvitationSecretResponse(InvitationResponse.From(invitation, now), token));
    }

    private static async Task<Results<Ok<List<InvitationResponse>>, ProblemHttpResult>> ListInvitationsAsync(Guid tenantId, ControlPlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var now = time.GetUtcNow();
        var rows = await db.Invitations.AsNoTracking().Where(i => i.TenantId == tenantId).OrderByDescending(i => i.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(i => InvitationResponse.From(i, now)).ToList());
    }

    private static async Task<Results<Ok<InvitationResponse>, ProblemHttpResult>> RevokeInvitationAsync(Guid tenantId, Guid invitationId, ControlPlaneDbContext db, AdminCallerAccessor callers, TimeProvider time, CancellationToken ct)
    {
        if (await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.TenantId == tenantId, ct) is not { } invitation)
        {
            return Problems.NotFound("invitation");
        }

        if (invitation.AcceptedAt is not null || invitation.RevokedAt is not null)
        {
            return Problems.Conflict("The invitation was already accepted or revoked.");
        }

        invitation.RevokedAt = time.GetUtcNow();
        Audit(db, callers, time, tenantId, "invitation.revoked", invitation.Id, $"Revoked the invitation of {invitation.Email}.", "invitation");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(InvitationResponse.From(invitation, invitation.RevokedAt.Value));
    }

    private static async Task<Results<Ok<AcceptInvitationResponse>, ValidationProblem, ProblemHttpResult>> AcceptAsync(AcceptInvitationRequest request, ControlPlaneDbContext db, UserManager<User> users, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var hash = string.IsNullOrEmpty(request.Token) || request.Token.Length > 200 ? null : HashToken(request.Token);
        var invitation = hash is null ? null : await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null || invitation.AcceptedAt is not null || invitation.RevokedAt is not null || invitation.ExpiresAt <= now)
        {
            // One answer for unknown, used, revoked and expired tokens.
            return Problems.BadRequest("The invitation token is not valid: it is unknown, used, revoked or expired.");
        }

        var user = await users.FindByEmailAsync(invitation.Email);
        if (user is null)
        {
            user = new User { Id = Guid.CreateVersion7(), UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, CreatedAt = now };
            var created = await users.CreateAsync(user, request.Password ?? string.Empty);
            if (!created.Succeeded)
            {
                var errors = new ValidationErrors();
                errors.AddRange("password", created.Errors.Select(e => e.Description));
                return errors.ToResult();
            }
        }

        if (!await db.TenantMemberships.AnyAsync(m => m.TenantId == invitation.TenantId && m.UserId == user.Id, ct))
        {
            db.TenantMemberships.Add(new TenantMembership { TenantId = invitation.TenantId, UserId = user.Id, Role = invitation.Role, CreatedAt = now });
        }

        invitation.AcceptedAt = now;
        IdentityAudit.Add(db, user.Email!, now, invitation.TenantId, "invitation.accepted", $"invitation/{invitation.Id}", $"{user.Email} joined as {invitation.Role}.");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new AcceptInvitationResponse(user.Id, user.Email!, invitation.TenantId, invitation.Role));
    }

    private static async Task<bool> IsLastAdminAsync(ControlPlaneDbContext db, Guid tenantId, CancellationToken ct) =>
        await db.TenantMemberships.CountAsync(m => m.TenantId == tenantId && m.Role == Roles.TenantAdmin, ct) <= 1;

    private static async Task<MemberResponse> MemberAsync(ControlPlaneDbContext db, TenantMembership m, CancellationToken ct) =>
        new(m.UserId, (await db.Users.AsNoTracking().Where(u => u.Id == m.UserId).Select(u => u.Email).FirstAsync(ct))!, m.Role, m.CreatedAt);

    private static void Audit(ControlPlaneDbContext db, AdminCallerAccessor callers, TimeProvider time, Guid tenantId, string action, Guid target, string summary, string kind = "user") =>
        IdentityAudit.Add(db, callers.Caller.Actor, time.GetUtcNow(), tenantId, action, $"{kind}/{target}", summary);
}
