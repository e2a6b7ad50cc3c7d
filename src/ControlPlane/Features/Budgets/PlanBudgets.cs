using InferenceGateway.Contracts.Rules;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.Budgets;

/// <summary>A plan's spend budgets: applied from the API, checked, shown, and mapped for the nodes.</summary>
internal static class PlanBudgets
{
    public static bool Any(Plan p) =>
        p.BudgetTenantMonthly is not null || p.BudgetTenantDaily is not null || p.BudgetKeyMonthly is not null || p.BudgetKeyDaily is not null;

    public static void Apply(Plan plan, PlanBudgetsRequest? request)
    {
        if (request is null)
        {
            return;
        }

        plan.BudgetTenantMonthly = request.TenantMonthly.Or(plan.BudgetTenantMonthly);
        plan.BudgetTenantDaily = request.TenantDaily.Or(plan.BudgetTenantDaily);
        plan.BudgetKeyMonthly = request.KeyMonthly.Or(plan.BudgetKeyMonthly);
        plan.BudgetKeyDaily = request.KeyDaily.Or(plan.BudgetKeyDaily);
        plan.BudgetTenantMode = request.TenantMode.Or(plan.BudgetTenantMode);
        plan.BudgetKeyMode = request.KeyMode.Or(plan.BudgetKeyMode);
        plan.BudgetWhenRedisDown = request.WhenRedisDown.Or(plan.BudgetWhenRedisDown);
    }

    public static void Validate(Plan plan, ValidationErrors errors)
    {
        Amount(plan.BudgetTenantMonthly, "budgets.tenantMonthly", errors);
        Amount(plan.BudgetTenantDaily, "budgets.tenantDaily", errors);
        Amount(plan.BudgetKeyMonthly, "budgets.keyMonthly", errors);
        Amount(plan.BudgetKeyDaily, "budgets.keyDaily", errors);
        if (!Enum.IsDefined(plan.BudgetTenantMode))
        {
            errors.Add("budgets.tenantMode", "A budget's mode is enforce or shadow.");
        }

        if (!Enum.IsDefined(plan.BudgetKeyMode))
        {
            errors.Add("budgets.keyMode", "A budget's mode is enforce or shadow.");
        }

        if (!Enum.IsDefined(plan.BudgetWhenRedisDown))
        {
            errors.Add("budgets.whenRedisDown", "What happens while Redis is down is closed or local.");
        }

        if (plan.BudgetTenantDaily is { } day && plan.BudgetTenantMonthly is { } month && day > month)
        {
            errors.Add("budgets.tenantDaily", "The daily budget cannot be larger than the monthly one.");
        }

        if (plan.BudgetKeyDaily is { } keyDay && plan.BudgetKeyMonthly is { } keyMonth && keyDay > keyMonth)
        {
            errors.Add("budgets.keyDaily", "The daily budget cannot be larger than the monthly one.");
        }

        if (Any(plan) && plan.PricePer1KRequests == 0 && plan.PricePer1MInputTokens == 0 && plan.PricePer1MOutputTokens == 0)
        {
            errors.Add("budgets", "A budget needs a price: set prices.pricePer1KRequests, prices.pricePer1MInputTokens or prices.pricePer1MOutputTokens.");
        }
    }

    public static PlanBudgetsResponse Response(Plan p) => new(
        p.BudgetTenantMonthly, p.BudgetTenantDaily, p.BudgetKeyMonthly, p.BudgetKeyDaily, p.BudgetTenantMode, p.BudgetKeyMode, p.BudgetWhenRedisDown);

    public static PlanBudgetSnapshot? Snapshot(Plan p) => !Any(p) ? null : new()
    {
        Currency = p.Currency,
        PricePer1KRequests = Canonical(p.PricePer1KRequests),
        PricePer1MInputTokens = Canonical(p.PricePer1MInputTokens),
        PricePer1MOutputTokens = Canonical(p.PricePer1MOutputTokens),
        TenantMonthly = Canonical(p.BudgetTenantMonthly),
        TenantDaily = Canonical(p.BudgetTenantDaily),
        KeyMonthly = Canonical(p.BudgetKeyMonthly),
        KeyDaily = Canonical(p.BudgetKeyDaily),
        TenantMode = Mode(p.BudgetTenantMode),
        KeyMode = Mode(p.BudgetKeyMode),
        WhenRedisDown = p.BudgetWhenRedisDown == BudgetRedisDown.Local ? "local" : "closed",
    };

    /// <summary>Spend at the plan's list prices (before included units): what budgets count.</summary>
    public static decimal Spend(Plan p, long requests, long inputTokens, long outputTokens) =>
        requests * p.PricePer1KRequests / 1000m + inputTokens * p.PricePer1MInputTokens / 1_000_000m + outputTokens * p.PricePer1MOutputTokens / 1_000_000m;

    /// <summary>
    /// An amount without trailing zeros: the database gives 1.000000 where a request set 1, and a delta must carry
    /// the same JSON (and content hash) as the compiler's snapshot.
    /// </summary>
    public static decimal Canonical(decimal value) => decimal.Round(value, 6, MidpointRounding.AwayFromZero) / 1.000000000000000000000000000000000m;

    public static decimal? Canonical(decimal? value) => value is { } v ? Canonical(v) : null;

    private static string Mode(BudgetMode mode) => mode == BudgetMode.Shadow ? "shadow" : "enforce";

    private static void Amount(decimal? value, string field, ValidationErrors errors)
    {
        if (value is { } amount && !BudgetRules.IsAmount(amount))
        {
            errors.Add(field, $"A budget is an amount in the plan's currency above 0 and up to {BudgetRules.MaxAmount}, with at most 6 decimals; null removes it.");
        }
    }
}
