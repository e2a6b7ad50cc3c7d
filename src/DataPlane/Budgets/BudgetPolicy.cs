using System.Collections.Frozen;
using InferenceGateway.Contracts.Rules;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Budgets;

/// <summary>
/// A tenant's spend budgets as a node counts them: amounts and prices in nano-units of the plan's currency
/// (integers, so Redis can add them atomically), the modes of the two rules, and the spend the control plane last
/// pushed from the ledger (the floor a counter never goes below, so a Redis that lost its data does not reset a
/// budget). Frozen with the node state; a push or a plan change brings a new one.
/// </summary>
internal sealed class BudgetPolicy
{
    private BudgetPolicy(Guid tenantId, PlanBudgetSnapshot budget, TenantQuotaUsage? usage)
    {
        TenantId = tenantId;
        Currency = budget.Currency;
        RequestNanos = Nanos(budget.PricePer1KRequests / 1000m);
        InputNanosPer1M = Nanos(budget.PricePer1MInputTokens);
        OutputNanosPer1M = Nanos(budget.PricePer1MOutputTokens);
        TenantMonthly = NanosOrNull(budget.TenantMonthly);
        TenantDaily = NanosOrNull(budget.TenantDaily);
        KeyMonthly = NanosOrNull(budget.KeyMonthly);
        KeyDaily = NanosOrNull(budget.KeyDaily);
        TenantShadow = budget.TenantMode == "shadow";
        KeyShadow = budget.KeyMode == "shadow";
        LocalWhenRedisDown = budget.WhenRedisDown == "local";
        if (usage is not null)
        {
            SpendPeriod = usage.PeriodStart;
            SpendNanos = Nanos(usage.Spend);
            SpendDay = usage.Day;
            DaySpendNanos = Nanos(usage.DaySpend);
            if (usage.Credentials is { Count: > 0 } credentials)
            {
                _credentialSpend = credentials.ToFrozenDictionary(c => c.CredentialId, c => (Nanos(c.Spend), Nanos(c.DaySpend)));
            }
        }
    }

    public static BudgetPolicy? For(Guid tenantId, PlanBudgetSnapshot? budget, TenantQuotaUsage? usage) =>
        budget is null ? null : new BudgetPolicy(tenantId, budget, usage);

    public Guid TenantId { get; }

    public string Currency { get; }

    /// <summary>Price of one request.</summary>
    public long RequestNanos { get; }

    /// <summary>Price of a million input tokens (so per-token cost keeps its precision).</summary>
    public long InputNanosPer1M { get; }

    public long OutputNanosPer1M { get; }

    public long? TenantMonthly { get; }

    public long? TenantDaily { get; }

    public long? KeyMonthly { get; }

    public long? KeyDaily { get; }

    public bool TenantShadow { get; }

    public bool KeyShadow { get; }

    public bool LocalWhenRedisDown { get; }

    public bool HasTenantRule => TenantMonthly is not null || TenantDaily is not null;

    public bool HasKeyRule => KeyMonthly is not null || KeyDaily is not null;

    /// <summary>Each credential's spend of the pushed month and day, in nano-units; null when none had spent.</summary>
    private readonly FrozenDictionary<Guid, (long Month, long Day)>? _credentialSpend;

    private DateTimeOffset? SpendPeriod { get; }

    private long SpendNanos { get; }

    private DateTimeOffset? SpendDay { get; }

    private long DaySpendNanos { get; }

    /// <summary>The ledger's spend for the tenant's month counter at <paramref name="now"/> (0 for a push of another month).</summary>
    public long MonthFloor(DateTimeOffset now) => InPushedMonth(now) ? SpendNanos : 0;

    public long DayFloor(DateTimeOffset now) => InPushedDay(now) ? DaySpendNanos : 0;

    /// <summary>The ledger's spend of one credential for its month counter (0 for a credential that had spent nothing, or another month).</summary>
    public long KeyMonthFloor(Guid credentialId, DateTimeOffset now) =>
        InPushedMonth(now) && _credentialSpend is not null && _credentialSpend.TryGetValue(credentialId, out var spend) ? spend.Month : 0;

    public long KeyDayFloor(Guid credentialId, DateTimeOffset now) =>
        InPushedDay(now) && _credentialSpend is not null && _credentialSpend.TryGetValue(credentialId, out var spend) ? spend.Day : 0;

    private bool InPushedMonth(DateTimeOffset now) => SpendPeriod is { } p && p.Year == now.Year && p.Month == now.Month;

    private bool InPushedDay(DateTimeOffset now) => SpendDay is { } d && d.UtcDateTime.Date == now.UtcDateTime.Date;

    /// <summary>Nano-units of an amount, rounded up so a budget is never counted as larger than it is.</summary>
    public static long Nanos(decimal amount) => (long)decimal.Ceiling(amount * BudgetRules.NanosPerUnit);

    private static long? NanosOrNull(decimal? amount) => amount is { } a ? (long)decimal.Floor(a * BudgetRules.NanosPerUnit) : null;
}
