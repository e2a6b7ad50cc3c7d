using System.Globalization;
using InferenceGateway.DataPlane.Cluster;

namespace InferenceGateway.DataPlane.Budgets;

/// <summary>The counters of a rule at an instant: one for the calendar month (UTC) and one for the day, when the plan sets them.</summary>
internal static class BudgetCounters
{
    /// <summary>
    /// An enforced rule counts from the ledger's spend; a shadow rule only from what it would have admitted (the
    /// ledger also holds what it would have refused, which was served), so it counts exactly what enforcing would.
    /// </summary>
    public static BudgetCounter[] Tenant(BudgetPolicy policy, DateTimeOffset now) => policy.TenantShadow
        ? Of("t", policy.TenantId, policy.TenantMonthly, policy.TenantDaily, 0, 0, now)
        : Of("t", policy.TenantId, policy.TenantMonthly, policy.TenantDaily, policy.MonthFloor(now), policy.DayFloor(now), now);

    /// <summary>A credential's counters count from that credential's spend in the ledger, under the same rule as the tenant's.</summary>
    public static BudgetCounter[] Key(BudgetPolicy policy, Guid credentialId, DateTimeOffset now) => policy.KeyShadow
        ? Of("k", credentialId, policy.KeyMonthly, policy.KeyDaily, 0, 0, now)
        : Of("k", credentialId, policy.KeyMonthly, policy.KeyDaily, policy.KeyMonthFloor(credentialId, now), policy.KeyDayFloor(credentialId, now), now);

    private static BudgetCounter[] Of(string scope, Guid id, long? monthly, long? daily, long monthFloor, long dayFloor, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var month = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        // Both counters of a rule carry the rule's hash tag: the lease script over them touches one Redis Cluster slot.
        var tag = ClusterKeys.BudgetTag(scope, id);
        var monthCounter = monthly is { } m ? new BudgetCounter(string.Create(CultureInfo.InvariantCulture, $"{tag}:m:{utc:yyyyMM}"), m, monthFloor, month.AddMonths(1).AddDays(1)) : default;
        var dayCounter = daily is { } d ? new BudgetCounter(string.Create(CultureInfo.InvariantCulture, $"{tag}:d:{utc:yyyyMMdd}"), d, dayFloor, day.AddDays(2)) : default;
        return (monthly, daily) switch
        {
            (not null, not null) => [monthCounter, dayCounter],
            (not null, null) => [monthCounter],
            (null, not null) => [dayCounter],
            _ => [],
        };
    }

    /// <summary>What a counter's key says about it, for a problem detail: "monthly" or "daily".</summary>
    public static string PeriodOf(in BudgetCounter counter) => counter.Key.Contains(":d:", StringComparison.Ordinal) ? "daily" : "monthly";
}
