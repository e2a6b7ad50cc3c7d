using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Usage;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Budgets;

/// <summary>
/// Budget spend from the ledger: the month's figures the quota push already reads, and today's day rows, at the
/// tenant's plan prices. The quota push stores them on the tenant and sends them to the nodes, which start their
/// budget counters from them (so a Redis that lost its data does not reset a budget).
/// </summary>
internal static class BudgetSpendReader
{
    public static async Task<Dictionary<Guid, Consumed>> TodayAsync(ControlPlaneDbContext db, DateTimeOffset now, IReadOnlyCollection<Tenant> tenants, CancellationToken cancellationToken)
    {
        var budgeted = tenants.Where(t => PlanBudgets.Any(t.Plan!)).Select(t => t.Id).ToList();
        if (budgeted.Count == 0)
        {
            return [];
        }

        var day = DayOf(now);
        var sums = await db.UsageAggregates.AsNoTracking()
            .Where(a => a.Granularity == UsageGranularity.Day && a.BucketStart == day && budgeted.Contains(a.TenantId))
            .GroupBy(a => a.TenantId)
            .Select(g => new
            {
                TenantId = g.Key,
                Requests = g.Sum(a => a.Requests2xx + a.Requests3xx + a.Requests4xx + a.Requests5xx),
                Input = g.Sum(a => a.InputTokens),
                Output = g.Sum(a => a.OutputTokens),
            })
            .ToListAsync(cancellationToken);
        return sums.ToDictionary(s => s.TenantId, s => new Consumed(s.Requests, s.Input, s.Output));
    }

    /// <summary>Stores the tenant's spend figures; true when they changed (so the push must carry them).</summary>
    public static bool Apply(Tenant tenant, Consumed month, Dictionary<Guid, Consumed> today, DateTimeOffset now)
    {
        var plan = tenant.Plan!;
        if (!PlanBudgets.Any(plan))
        {
            return false;
        }

        var day = DayOf(now);
        var daily = today.GetValueOrDefault(tenant.Id);
        var spend = Round(PlanBudgets.Spend(plan, month.Requests, month.InputTokens, month.OutputTokens));
        var daySpend = Round(PlanBudgets.Spend(plan, daily.Requests, daily.InputTokens, daily.OutputTokens));
        if (tenant.BudgetSpend == spend && tenant.BudgetDay == day && tenant.BudgetDaySpend == daySpend)
        {
            return false;
        }

        tenant.BudgetSpend = spend;
        tenant.BudgetDay = day;
        tenant.BudgetDaySpend = daySpend;
        return true;
    }

    public static DateTimeOffset DayOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The database keeps 6 decimals; the figure compared and sent is the stored one.</summary>
    private static decimal Round(decimal value) => decimal.Round(value, 6, MidpointRounding.AwayFromZero);
}
