using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Features.Budgets;
using InferenceGateway.ControlPlane.Features.Plans;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features.Budgets;

public sealed class PlanBudgetsTests
{
    [Fact]
    public void Canonical_DropsTrailingZeros_SoADeltaAndTheCompilersSnapshotAgree()
    {
        Assert.Equal("1", PlanBudgets.Canonical(1.000000m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.96", PlanBudgets.Canonical(0.960000m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.000001", PlanBudgets.Canonical(0.0000014m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Spend_IsRequestsAndTokensAtListPrices()
    {
        var plan = PlanRules.Defaults(Guid.NewGuid(), DateTimeOffset.UnixEpoch);
        plan.PricePer1KRequests = 2m;
        plan.PricePer1MInputTokens = 3m;
        plan.PricePer1MOutputTokens = 15m;
        plan.IncludedInputTokens = 1_000_000; // budgets count list prices, before included units

        Assert.Equal(0.002m + 0.003m + 0.015m, PlanBudgets.Spend(plan, 1, 1000, 1000));
    }

    [Fact]
    public void Validate_CollectsEveryBudgetError()
    {
        var plan = PlanRules.Defaults(Guid.NewGuid(), DateTimeOffset.UnixEpoch);
        plan.Name = "p";
        plan.BudgetTenantMonthly = 1m;
        plan.BudgetTenantDaily = 2m;
        plan.BudgetKeyMonthly = -1m;
        plan.BudgetKeyDaily = 0.0000001m;
        plan.BudgetKeyMode = (BudgetMode)7;
        var errors = new ValidationErrors();
        PlanRules.Validate(plan, PlanRules.DefaultBodyBytesCeiling, errors);
        var fields = errors.ToResult().ProblemDetails.Errors.Keys;

        Assert.Contains("budgets.tenantDaily", fields);
        Assert.Contains("budgets.keyMonthly", fields);
        Assert.Contains("budgets.keyDaily", fields);
        Assert.Contains("budgets.keyMode", fields);
        Assert.Contains("budgets", fields); // no price
    }
}
