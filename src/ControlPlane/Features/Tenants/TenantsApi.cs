using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Tenants;

internal static class TenantsApi
{
    public static RouteGroupBuilder MapTenantsApi(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapPost("/", CreateAsync).WithName("CreateTenant")
            .WithSummary("Create a tenant on a plan; its slug is part of its gateway URLs and cannot change.");
        tenants.MapGet("/", ListAsync).WithName("ListTenants").WithSummary("Every tenant by slug, optionally only those with ?status=active|suspended.");
        tenants.MapGet("/{tenantId:guid}", GetAsync).WithName("GetTenant").WithSummary("One tenant.");
        tenants.MapPatch("/{tenantId:guid}", UpdateAsync).WithName("UpdateTenant")
            .WithSummary("Change a tenant's display name or plan; omitted fields stay as they are.");
        tenants.MapPost("/{tenantId:guid}/suspend", SuspendAsync).WithName("SuspendTenant")
            .WithSummary("Suspend a tenant: its keys stop working on every node until it is resumed.");
        tenants.MapPost("/{tenantId:guid}/resume", ResumeAsync).WithName("ResumeTenant")
            .WithSummary("Resume a suspended tenant: its keys work again on every node.");
        return api;
    }

    private static async Task<Results<Created<TenantResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateTenantRequest request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = request.Slug;
        if (!Slugs.IsTenantSlug(slug))
        {
            errors.Add("slug", $"The slug is required: {Slugs.TenantRule}");
        }

        var displayName = request.DisplayName?.Trim();
        ValidateDisplayName(displayName, errors);
        Plan? plan = null;
        if (request.PlanId is not { } planId)
        {
            errors.Add("planId", "The plan is required.");
        }
        else if ((plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == planId, ct)) is null)
        {
            errors.Add("planId", "No plan with that id exists.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (await db.Tenants.AnyAsync(t => t.Slug == slug, ct))
        {
            return Problems.Conflict($"A tenant with the slug '{slug}' already exists.");
        }

        var tenant = new Tenant
        {
            Id = Guid.CreateVersion7(),
            Slug = slug!,
            DisplayName = displayName!,
            PlanId = plan!.Id,
            CreatedAt = changes.Now,
            UpdatedAt = changes.Now,
        };
        db.Tenants.Add(tenant);
        changes.Audit(tenant.Id, "tenant.created", $"tenant/{tenant.Id}", $"Created tenant '{tenant.Slug}' on plan '{plan.Name}'.");
        await changes.CommitAsync([new TenantChanged { Tenant = SnapshotMapper.Tenant(tenant) }], ct);
        return TypedResults.Created($"/api/v1/tenants/{tenant.Id}", TenantResponse.From(tenant));
    }

    private static async Task<Results<Ok<PagedList<TenantResponse>>, ValidationProblem>> ListAsync(ControlPlaneDbContext db, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        TenantStatus? filter = null;
        if (status is not null)
        {
            if (Enum.TryParse<TenantStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _))
            {
                filter = parsed;
            }
            else
            {
                errors.Add("status", "The status is 'active' or 'suspended'.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var query = db.Tenants.AsNoTracking();
        if (filter is { } s)
        {
            query = query.Where(t => t.Status == s);
        }

        return TypedResults.Ok(await query.OrderBy(t => t.Slug).ToPageAsync(page, pageSize, TenantResponse.From, ct));
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetAsync(Guid tenantId, ControlPlaneDbContext db, CancellationToken ct) =>
        await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is { } tenant
            ? TypedResults.Ok(TenantResponse.From(tenant))
            : Problems.NotFound("tenant");

    private static async Task<Results<Ok<TenantResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid tenantId, UpdateTenantRequest request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        if (request.Slug.HasValue && request.Slug.Value != tenant.Slug)
        {
            errors.Add("slug", "The slug cannot be changed: it is part of the tenant's gateway URLs.");
        }

        if (request.DisplayName.HasValue)
        {
            var displayName = request.DisplayName.Value?.Trim();
            ValidateDisplayName(displayName, errors);
            tenant.DisplayName = displayName ?? tenant.DisplayName;
        }

        Plan? plan = null;
        if (request.PlanId.HasValue)
        {
            plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == request.PlanId.Value, ct);
            if (plan is null)
            {
                errors.Add("planId", "No plan with that id exists.");
            }
            else
            {
                tenant.PlanId = plan.Id;
            }
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (!db.ChangeTracker.HasChanges())
        {
            return TypedResults.Ok(TenantResponse.From(tenant));
        }

        tenant.UpdatedAt = changes.Now;
        var summary = plan is not null && db.Entry(tenant).Property(t => t.PlanId).IsModified
            ? $"Updated tenant '{tenant.Slug}': plan is now '{plan.Name}'."
            : $"Updated tenant '{tenant.Slug}': display name.";
        changes.Audit(tenant.Id, "tenant.updated", $"tenant/{tenant.Id}", summary);
        await changes.CommitAsync([new TenantChanged { Tenant = SnapshotMapper.Tenant(tenant) }], ct);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static async Task<Results<Ok<TenantResponse>, ValidationProblem, ProblemHttpResult>> SuspendAsync(Guid tenantId, SuspendTenantRequest? request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        var reason = request?.Reason?.Trim();
        if (reason is { Length: > 500 })
        {
            var errors = new ValidationErrors();
            errors.Add("reason", "The reason has at most 500 characters.");
            return errors.ToResult();
        }

        if (tenant.Status == TenantStatus.Suspended)
        {
            return TypedResults.Ok(TenantResponse.From(tenant));
        }

        tenant.Status = TenantStatus.Suspended;
        tenant.SuspendedAt = changes.Now;
        tenant.SuspendedReason = string.IsNullOrEmpty(reason) ? null : reason;
        tenant.UpdatedAt = changes.Now;
        changes.Audit(tenant.Id, "tenant.suspended", $"tenant/{tenant.Id}", $"Suspended tenant '{tenant.Slug}'.");
        await changes.CommitAsync([new TenantChanged { Tenant = SnapshotMapper.Tenant(tenant) }], ct);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> ResumeAsync(Guid tenantId, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        if (tenant.Status == TenantStatus.Active)
        {
            return TypedResults.Ok(TenantResponse.From(tenant));
        }

        tenant.Status = TenantStatus.Active;
        tenant.SuspendedAt = null;
        tenant.SuspendedReason = null;
        tenant.UpdatedAt = changes.Now;
        changes.Audit(tenant.Id, "tenant.resumed", $"tenant/{tenant.Id}", $"Resumed tenant '{tenant.Slug}'.");
        await changes.CommitAsync([new TenantChanged { Tenant = SnapshotMapper.Tenant(tenant) }], ct);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static void ValidateDisplayName(string? displayName, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(displayName) || displayName.Length > 200)
        {
            errors.Add("displayName", "The display name is required and has at most 200 characters.");
        }
    }
}
