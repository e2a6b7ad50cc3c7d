using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.Usage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Budgets;

internal static class BudgetApi
{
    public static RouteGroupBuilder MapBudgetApi(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/budget", GetBudgetAsync).WithTags("Usage").WithName("GetTenantBudget")
            .WithSummary("The tenant's spend budgets (month and day, UTC) from the ledger at the plan's prices: spent, limit and remaining, for the tenant and each credential, and how many requests a shadow budget would have refused this month.")
            .AllowTenantRoles(Roles.TenantAdmin, Roles.Developer, Roles.Finance);
        return tenant;
    }

    private static async Task<Results<Ok<TenantBudgetResponse>, ProblemHttpResult>> GetBudgetAsync(Guid tenantId, ControlPlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        var plan = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Plan).FirstOrDefaultAsync(ct);
        if (plan is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No tenant with that id exists.");
        }

        var now = time.GetUtcNow();
        var (start, end) = QuotaConsumption.PeriodOf(now);
        var day = BudgetSpendReader.DayOf(now);
        var rows = await BudgetSpendReader.MonthByCredential(db.UsageAggregates.AsNoTracking().Where(a => a.TenantId == tenantId), now).ToListAsync(ct);

        var credentials = rows
            .GroupBy(r => (r.CredentialId, r.CredentialKind))
            .OrderBy(g => g.Key.CredentialId, StringComparer.Ordinal)
            .Select(g =>
            {
                var month = g.Sum(r => PlanBudgets.Spend(plan, r.Requests, r.Input, r.Output));
                var today = g.Where(r => r.Today).Sum(r => PlanBudgets.Spend(plan, r.Requests, r.Input, r.Output));
                return new CredentialBudgetResponse(g.Key.CredentialId, UsageRows.Kind(g.Key.CredentialKind), Line(month, plan.BudgetKeyMonthly), Line(today, plan.BudgetKeyDaily));
            })
            .ToList();
        var monthly = rows.Sum(r => PlanBudgets.Spend(plan, r.Requests, r.Input, r.Output));
        var daily = rows.Where(r => r.Today).Sum(r => PlanBudgets.Spend(plan, r.Requests, r.Input, r.Output));
        return TypedResults.Ok(new TenantBudgetResponse(
            tenantId, plan.Currency, start, end, day,
            Mode(plan.BudgetTenantMode), Mode(plan.BudgetKeyMode), plan.BudgetWhenRedisDown.ToString().ToLowerInvariant(),
            Line(monthly, plan.BudgetTenantMonthly), Line(daily, plan.BudgetTenantDaily), credentials,
            rows.Sum(r => r.WouldLimit)));
    }

    private static string Mode(BudgetMode mode) => mode.ToString().ToLowerInvariant();

    internal static BudgetLineResponse Line(decimal spent, decimal? limit)
    {
        spent = decimal.Round(spent, 6, MidpointRounding.AwayFromZero);
        return new(spent, limit, limit is { } l ? Math.Max(0, l - spent) : null, limit is { } max && spent >= max);
    }
}
