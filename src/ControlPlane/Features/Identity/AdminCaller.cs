using System.Security.Claims;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.OAuthClients;
using InferenceGateway.ControlPlane.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace InferenceGateway.ControlPlane.Features.Identity;

internal enum AdminCallerKind
{
    /// <summary>The configured bootstrap token: first set-up and automation; acts as platform admin.</summary>
    BootstrapToken,

    /// <summary>A person, through an access token the platform issuer gave the portal.</summary>
    User,

    /// <summary>A tenant's OAuth client holding the <c>admin</c> scope: a tenant admin of its own tenant only.</summary>
    OAuthClient,
}

/// <summary>Who calls the admin API, with the rights that hold right now (read from the database per request).</summary>
internal sealed record AdminCaller(
    AdminCallerKind Kind,
    string Actor,
    Guid? UserId,
    string? Email,
    bool IsPlatformAdmin,
    IReadOnlyDictionary<Guid, string> Memberships)
{
    public string? RoleIn(Guid tenantId) => Memberships.GetValueOrDefault(tenantId);
}

/// <summary>Resolves the caller once per request; the authorization handler stores it, later steps read it non-null.</summary>
internal sealed partial class AdminCallerAccessor(ControlPlaneDbContext db)
{
    private AdminCaller? _caller;

    public AdminCaller Caller => _caller ?? throw new InvalidOperationException("The admin caller is resolved by the AdminApi policy before any endpoint runs.");

    public async Task<AdminCaller?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (_caller is not null)
        {
            return _caller;
        }

        if (principal.Identity is { IsAuthenticated: true, AuthenticationType: ControlPlaneHosting.AdminScheme })
        {
            return _caller = new AdminCaller(AdminCallerKind.BootstrapToken, "bootstrap-admin", null, null, true, new Dictionary<Guid, string>());
        }

        if (principal.GetClaim(ConnectEndpoints.TenantClaim) is { } tenantClaim)
        {
            return _caller = await ResolveClientAsync(principal, tenantClaim, ct);
        }

        // A user token names the user in `sub`.
        if (principal.GetClaim(OpenIddictConstants.Claims.Subject) is not { } subject || !Guid.TryParse(subject, out var userId))
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || user.LockoutEnd > DateTimeOffset.UtcNow)
        {
            return null;
        }

        var platformAdmin = await (from ur in db.UserRoles
                                   join r in db.Roles on ur.RoleId equals r.Id
                                   where ur.UserId == userId && r.Name == Roles.PlatformAdmin
                                   select ur).AnyAsync(ct);
        var memberships = await db.TenantMemberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .ToDictionaryAsync(m => m.TenantId, m => m.Role, ct);
        return _caller = new AdminCaller(AdminCallerKind.User, user.Email ?? user.Id.ToString(), user.Id, user.Email, platformAdmin, memberships);
    }
}

internal sealed partial class AdminCallerAccessor
{
    private async Task<AdminCaller?> ResolveClientAsync(ClaimsPrincipal principal, string tenantClaim, CancellationToken ct)
    {
        if (!principal.HasScope(OAuthScopes.Admin) || !Guid.TryParse(tenantClaim, out var tenantId)
            || principal.GetClaim(OpenIddictConstants.Claims.Subject) is not { } clientId)
        {
            return null;
        }

        // Checked per request, so a revoked client's unexpired tokens stop working at once.
        var active = await db.OAuthClients.AsNoTracking().AnyAsync(c => c.ClientId == clientId && c.TenantId == tenantId && c.RevokedAt == null && c.Admin, ct);
        return active
            ? new AdminCaller(AdminCallerKind.OAuthClient, "oauth-client:" + clientId, null, null, false, new Dictionary<Guid, string> { [tenantId] = Roles.TenantAdmin })
            : null;
    }
}

/// <summary>Admits a caller the admin API knows; with <see cref="PlatformOnly"/>, only a platform admin.</summary>
internal sealed class AdminCallerRequirement(bool platformOnly) : IAuthorizationRequirement
{
    public bool PlatformOnly { get; } = platformOnly;
}

internal sealed class AdminCallerHandler : AuthorizationHandler<AdminCallerRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminCallerRequirement requirement)
    {
        if (context.Resource is not HttpContext http || context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var caller = await http.RequestServices.GetRequiredService<AdminCallerAccessor>().ResolveAsync(context.User, http.RequestAborted);
        if (caller is not null && (!requirement.PlatformOnly || caller.IsPlatformAdmin))
        {
            context.Succeed(requirement);
        }
    }
}
