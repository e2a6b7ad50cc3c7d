using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Plans;

internal static class PlansApi
{
    public static RouteGroupBuilder MapPlansApi(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Plans");
        plans.MapPost("/", CreateAsync).WithName("CreatePlan").WithSummary("Create a plan: limits the data plane enforces and prices billing uses.");
        plans.MapGet("/", ListAsync).WithName("ListPlans").WithSummary("Every plan by name.");
        plans.MapGet("/{planId:guid}", GetAsync).WithName("GetPlan").WithSummary("One plan with its limits and prices.");
        plans.MapPatch("/{planId:guid}", UpdateAsync).WithName("UpdatePlan").WithSummary("Change a plan; omitted fields stay as they are. Every tenant on the plan gets the new limits.");
        return api;
    }

    private static async Task<Results<Created<PlanResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(PlanRequest request, ControlPlaneDbContext db, AdminChanges changes, IOptions<PlanPolicyOptions> policy, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!request.Name.HasValue)
        {
            errors.Add("name", "The name is required.");
        }

        var plan = PlanRules.Defaults(Guid.CreateVersion7(), changes.Now);
        PlanRules.Apply(plan, request);
        PlanRules.Validate(plan, policy.Value.MaxRequestBodyBytesCeiling, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (await db.Plans.AnyAsync(p => p.Name == plan.Name, ct))
        {
            return Problems.Conflict($"A plan named '{plan.Name}' already exists.");
        }

        db.Plans.Add(plan);
        changes.Audit(null, "plan.created", $"plan/{plan.Id}", $"Created plan '{plan.Name}'.");
        await changes.CommitAsync([new PlanChanged { Plan = SnapshotMapper.Plan(plan) }], ct);
        return TypedResults.Created($"/api/v1/plans/{plan.Id}", PlanResponse.From(plan));
    }

    private static async Task<Results<Ok<PagedList<PlanResponse>>, ValidationProblem>> ListAsync(ControlPlaneDbContext db, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return TypedResults.Ok(await db.Plans.AsNoTracking().OrderBy(p => p.Name).ToPageAsync(page, pageSize, PlanResponse.From, ct));
    }

    private static async Task<Results<Ok<PlanResponse>, ProblemHttpResult>> GetAsync(Guid planId, ControlPlaneDbContext db, CancellationToken ct) =>
        await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, ct) is { } plan
            ? TypedResults.Ok(PlanResponse.From(plan))
            : Problems.NotFound("plan");

    private static async Task<Results<Ok<PlanResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid planId, PlanRequest request, ControlPlaneDbContext db, AdminChanges changes, IOptions<PlanPolicyOptions> policy, CancellationToken ct)
    {
        if (await db.Plans.FirstOrDefaultAsync(p => p.Id == planId, ct) is not { } plan)
        {
            return Problems.NotFound("plan");
        }

        var oldName = plan.Name;
        PlanRules.Apply(plan, request);
        var errors = new ValidationErrors();
        PlanRules.Validate(plan, policy.Value.MaxRequestBodyBytesCeiling, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (plan.Name != oldName && await db.Plans.AnyAsync(p => p.Name == plan.Name && p.Id != plan.Id, ct))
        {
            return Problems.Conflict($"A plan named '{plan.Name}' already exists.");
        }

        if (!db.ChangeTracker.HasChanges())
        {
            return TypedResults.Ok(PlanResponse.From(plan));
        }

        plan.UpdatedAt = changes.Now;
        var changed = string.Join(", ", db.Entry(plan).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name));
        changes.Audit(null, "plan.updated", $"plan/{plan.Id}", $"Updated plan '{plan.Name}': {changed}.");
        await changes.CommitAsync([new PlanChanged { Plan = SnapshotMapper.Plan(plan) }], ct);
        return TypedResults.Ok(PlanResponse.From(plan));
    }
}
