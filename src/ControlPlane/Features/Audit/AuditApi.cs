using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Audit;

internal sealed record AuditEventResponse(Guid Id, DateTimeOffset At, string Actor, Guid? TenantId, string Action, string Target, string Summary)
{
    public static AuditEventResponse From(AuditEvent e) => new(e.Id, e.At, e.Actor, e.TenantId, e.Action, e.Target, e.Summary);
}

internal static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAllAsync).WithTags("Audit").WithName("ListAuditEvents")
            .WithSummary("Every mutation, newest first; filter by tenant, action (exact, or a prefix ending in '.') and time range [from, to).");
        return api;
    }

    /// <summary>Maps the tenant's own audit log into the tenant route group.</summary>
    public static RouteGroupBuilder MapTenantAuditApi(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/audit", ListForTenantAsync).WithTags("Audit").WithName("ListTenantAuditEvents").AllowTenantRoles(Roles.TenantAdmin)
            .WithSummary("The tenant's own audit events, newest first; filter by action (exact, or a prefix ending in '.') and time range [from, to).");
        return tenant;
    }

    private static Task<Results<Ok<PagedList<AuditEventResponse>>, ValidationProblem, ProblemHttpResult>> ListAllAsync(
        ControlPlaneDbContext db, Guid? tenantId, string? action, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, CancellationToken ct) =>
        ListAsync(db, tenantId, action, from, to, page, pageSize, ct);

    private static async Task<Results<Ok<PagedList<AuditEventResponse>>, ValidationProblem, ProblemHttpResult>> ListForTenantAsync(
        Guid tenantId, ControlPlaneDbContext db, string? action, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        return await ListAsync(db, tenantId, action, from, to, page, pageSize, ct);
    }

    private static async Task<Results<Ok<PagedList<AuditEventResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ControlPlaneDbContext db, Guid? tenantId, string? action, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        if (from is { } f && to is { } t && f >= t)
        {
            errors.Add("to", "'to' must be later than 'from'.");
        }

        if (action is { Length: 0 or > 100 })
        {
            errors.Add("action", "The action filter has 1 to 100 characters.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var query = db.AuditEvents.AsNoTracking();
        if (tenantId is { } id)
        {
            query = query.Where(e => e.TenantId == id);
        }

        if (action is not null)
        {
            query = action.EndsWith('.') ? query.Where(e => e.Action.StartsWith(action)) : query.Where(e => e.Action == action);
        }

        if (from is { } start)
        {
            var utc = start.ToUniversalTime();
            query = query.Where(e => e.At >= utc);
        }

        if (to is { } end)
        {
            var utc = end.ToUniversalTime();
            query = query.Where(e => e.At < utc);
        }

        return TypedResults.Ok(await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToPageAsync(page, pageSize, AuditEventResponse.From, ct));
    }
}
