using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Identity;

internal static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetAsync).WithTags("Identity").WithName("GetMe")
            .WithSummary("Who the caller is: identity, platform roles, and the tenants it belongs to with its role in each.");
        return api;
    }

    private static async Task<Ok<MeResponse>> GetAsync(AdminCallerAccessor callers, ControlPlaneDbContext db, CancellationToken ct)
    {
        var caller = callers.Caller;
        var ids = caller.Memberships.Keys.ToList();
        var tenants = await db.Tenants.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderBy(t => t.Slug).ToListAsync(ct);
        return TypedResults.Ok(new MeResponse(
            caller.Kind switch { AdminCallerKind.User => "user", AdminCallerKind.OAuthClient => "oauth-client", _ => "bootstrap-token" },
            caller.Actor,
            caller.UserId,
            caller.Email,
            caller.IsPlatformAdmin ? [Roles.PlatformAdmin] : [],
            tenants.Select(t => new MeTenant(t.Id, t.Slug, t.DisplayName, caller.Memberships[t.Id])).ToList()));
    }
}
