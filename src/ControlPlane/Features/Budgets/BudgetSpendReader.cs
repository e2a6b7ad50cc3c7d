using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Usage;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Budgets;

/// <summary>
/// Budget spend from the ledger: the month's figures the quota push already reads, and today's day rows, at the
/// tenant's plan prices, for the tenant and for each of its credentials. The quota push stores them on the tenant
/// and sends them to the nodes, which start their budget counters from them (so a Redis that lost its data does not
/// reset a budget, a tenant's or a key's).
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

    /// <summary>
    /// Each credential's spend of the month and of today, for the tenants whose plan has a per-credential budget:
    /// the ledger's day rows grouped by credential, at the plan's prices (6 decimals, as stored).
    /// </summary>
    public static async Task<Dictionary<Guid, Dictionary<string, (decimal Month, decimal Today)>>> CredentialsAsync(
        ControlPlaneDbContext db, DateTimeOffset now, IReadOnlyCollection<Tenant> tenants, CancellationToken cancellationToken)
    {
        var plans = tenants.Where(t => HasKeyRule(t.Plan!)).ToDictionary(t => t.Id, t => t.Plan!);
        if (plans.Count == 0)
        {
            return [];
        }

        var budgeted = plans.Keys.ToList();
        var sums = await MonthByCredential(db.UsageAggregates.AsNoTracking().Where(a => budgeted.Contains(a.TenantId)), now).ToListAsync(cancellationToken);
        return sums
            .GroupBy(s => s.TenantId)
            .ToDictionary(t => t.Key, t => t
                .GroupBy(s => s.CredentialId, StringComparer.Ordinal)
                .ToDictionary(c => c.Key, c =>
                {
                    var plan = plans[t.Key];
                    var today = c.Where(s => s.Today).ToList();
                    return (Round(PlanBudgets.Spend(plan, c.Sum(s => s.Requests), c.Sum(s => s.Input), c.Sum(s => s.Output))),
                        Round(PlanBudgets.Spend(plan, today.Sum(s => s.Requests), today.Sum(s => s.Input), today.Sum(s => s.Output))));
                }, StringComparer.Ordinal));
    }

    /// <summary>The month's day rows of the ledger summed per tenant, credential, and whether the row is today's.</summary>
    public static IQueryable<CredentialDaySums> MonthByCredential(IQueryable<UsageAggregate> rows, DateTimeOffset now)
    {
        var (start, end) = QuotaConsumption.PeriodOf(now);
        var day = DayOf(now);
        return rows
            .Where(a => a.Granularity == UsageGranularity.Day && a.BucketStart >= start && a.BucketStart < end)
            .GroupBy(a => new { a.TenantId, a.CredentialId, a.CredentialKind, Today = a.BucketStart == day })
            .Select(g => new CredentialDaySums
            {
                TenantId = g.Key.TenantId,
                CredentialId = g.Key.CredentialId,
                CredentialKind = g.Key.CredentialKind,
                Today = g.Key.Today,
                Requests = g.Sum(a => a.Requests2xx + a.Requests3xx + a.Requests4xx + a.Requests5xx),
                Input = g.Sum(a => a.InputTokens),
                Output = g.Sum(a => a.OutputTokens),
                WouldLimit = g.Sum(a => a.BudgetWouldLimit),
            });
    }

    /// <summary>
    /// Stores each credential's spend on the tenant (none when the plan has no per-credential budget); true when a
    /// figure changed. Credentials without spend are left out, so the push grows with the credentials that spent.
    /// </summary>
    public static bool ApplyCredentials(Tenant tenant, Dictionary<Guid, Dictionary<string, (decimal Month, decimal Today)>> spend)
    {
        var wanted = HasKeyRule(tenant.Plan!) && spend.TryGetValue(tenant.Id, out var credentials)
            ? credentials.Where(c => c.Value.Month != 0 || c.Value.Today != 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal)
            : [];
        var stored = tenant.CredentialSpend;
        if (stored.Count == wanted.Count && stored.All(s => wanted.TryGetValue(s.CredentialId, out var w) && w.Month == s.Spend && w.Today == s.DaySpend))
        {
            return false;
        }

        stored.RemoveAll(s => !wanted.ContainsKey(s.CredentialId));
        var byId = stored.ToDictionary(s => s.CredentialId, StringComparer.Ordinal);
        foreach (var (credentialId, (month, today)) in wanted)
        {
            if (byId.TryGetValue(credentialId, out var row))
            {
                row.Spend = month;
                row.DaySpend = today;
            }
            else
            {
                stored.Add(new CredentialBudgetSpend { CredentialId = credentialId, Spend = month, DaySpend = today });
            }
        }

        return true;
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

    private static bool HasKeyRule(Plan plan) => plan.BudgetKeyMonthly is not null || plan.BudgetKeyDaily is not null;

    public static DateTimeOffset DayOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The database keeps 6 decimals; the figure compared and sent is the stored one.</summary>
    private static decimal Round(decimal value) => decimal.Round(value, 6, MidpointRounding.AwayFromZero);
}

/// <summary>One credential's usage in the month's day rows: today's, or the other days'.</summary>
internal sealed class CredentialDaySums
{
    public Guid TenantId { get; init; }

    public required string CredentialId { get; init; }

    public UsageCredentialKind CredentialKind { get; init; }

    public bool Today { get; init; }

    public long Requests { get; init; }

    public long Input { get; init; }

    public long Output { get; init; }

    public long WouldLimit { get; init; }
}
