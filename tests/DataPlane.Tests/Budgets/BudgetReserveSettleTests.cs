using System.Text;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Budgets;
using InferenceGateway.DataPlane.Metering;

namespace InferenceGateway.DataPlane.Tests.Budgets;

public sealed class BudgetReserveSettleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>0.001 a request, 2 per million input tokens, 6 per million output tokens; a 1.00 monthly tenant budget.</summary>
    private static BudgetPolicy Policy(decimal monthly = 1.00m, string mode = "enforce", decimal spendPushed = 0) => BudgetPolicy.For(
        Guid.NewGuid(),
        new PlanBudgetSnapshot
        {
            Currency = "USD", PricePer1KRequests = 1m, PricePer1MInputTokens = 2m, PricePer1MOutputTokens = 6m,
            TenantMonthly = monthly, TenantMode = mode, KeyMode = "enforce", WhenRedisDown = "closed",
        },
        new TenantQuotaUsage { PeriodStart = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), Requests = 0, InputTokens = 0, OutputTokens = 0, Spend = spendPushed })!;

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void OutputWorstCase_IsMaxTokensOrTheCeilingTimesChoices()
    {
        Assert.Equal(200, BudgetCost.OutputWorstCase(Json("""{"max_tokens":200}"""), 4096));
        Assert.Equal(300, BudgetCost.OutputWorstCase(Json("""{"max_completion_tokens":300,"max_tokens":200}"""), 4096));
        Assert.Equal(4096, BudgetCost.OutputWorstCase(Json("""{"messages":[]}"""), 4096));
        Assert.Equal(3 * 100, BudgetCost.OutputWorstCase(Json("""{"max_tokens":100,"n":3}"""), 4096));
        Assert.Equal(4096, BudgetCost.OutputWorstCase(Json("""{"max_tokens":-5}"""), 4096));
        Assert.Equal(512, BudgetCost.OutputWorstCase(Json("not json"), 512));
    }

    [Fact]
    public void Cost_IsTheRequestPricePlusTokensAtThePlansPrices_InNanoUnits()
    {
        var policy = Policy();

        // 0.001 + 1000 x 2/10^6 + 500 x 6/10^6 = 0.001 + 0.002 + 0.003 = 0.006
        Assert.Equal(6_000_000, BudgetCost.Of(policy, 1000, 500));
        Assert.Equal(1_000_000, BudgetCost.Of(policy, 0, 0));

        // A fraction of a nano-unit is rounded up: a budget is never counted as cheaper than it is.
        // One input token at 2 per million is 0.000002 = 2000 nano-units.
        Assert.Equal(1_002_000, BudgetCost.Of(policy, 1, 0));
        Assert.Equal(500, BudgetCost.OutputTokensWithin(policy, BudgetCost.Of(policy, 1000, 500), 1000));

        // The prompt's worst case: the tokenizer's count plus a margin for the chat framing a model counts too.
        Assert.Equal(1000 + 62 + 32, BudgetCost.InputWorstCase(1000));
    }

    [Fact]
    public void Settle_ReturnsTheDifferenceBetweenTheWorstCaseAndTheRealCost()
    {
        var policy = Policy();
        var store = new LocalBudgetStore(TimeProvider.System);
        var counters = BudgetCounters.Tenant(policy, Now);
        var worst = BudgetCost.Of(policy, BudgetCost.InputWorstCase(1000), 4096);
        var real = BudgetCost.Of(policy, 1000, 120);

        Assert.True(store.Reserve(counters, worst).Reserved);
        Assert.Equal(worst, store.Used(counters[0]));
        store.Settle(counters, worst, real);
        Assert.Equal(real, store.Used(counters[0]));
    }

    [Fact]
    public void Reserve_RefusesWhatTheRemainingBudgetCannotCover_AndChangesNothing()
    {
        var policy = Policy(monthly: 0.010m);
        var store = new LocalBudgetStore(TimeProvider.System);
        var counters = BudgetCounters.Tenant(policy, Now);

        Assert.True(store.Reserve(counters, 6_000_000).Reserved);
        var refused = store.Reserve(counters, 6_000_000);
        Assert.False(refused.Reserved);
        Assert.Equal(0, refused.SpentCounter);
        Assert.Equal(6_000_000, store.Used(counters[0]));
        Assert.True(store.Reserve(counters, 4_000_000).Reserved);
    }

    [Fact]
    public void Counter_StartsFromTheLedgersPushedSpend_ButAShadowRuleDoesNot()
    {
        var store = new LocalBudgetStore(TimeProvider.System);
        var enforced = BudgetCounters.Tenant(Policy(monthly: 1m, spendPushed: 0.999m), Now);
        Assert.False(store.Reserve(enforced, 6_000_000).Reserved);

        var shadow = BudgetCounters.Tenant(Policy(monthly: 1m, mode: "shadow", spendPushed: 0.999m), Now);
        Assert.True(store.Reserve(shadow, 6_000_000).Reserved);
    }

    [Fact]
    public async Task Stream_IsCutAtTheAllowanceWithAnSseErrorEvent()
    {
        var events = string.Concat(Enumerable.Repeat("data: {\"choices\":[{\"delta\":{\"content\":\" word\"}}]}\n\n", 20)) + "data: [DONE]\n\n";
        var hold = new BudgetHold(Policy()) { Estimator = new TokenEstimator(), OutputAllowance = 5 };
        await using var stream = new BudgetedEventStream(new MemoryStream(Encoding.UTF8.GetBytes(events)), hold);
        var text = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal(5, text.Split("\n\n").Count(e => e.Contains("\" word\"")));
        Assert.EndsWith("event: error\ndata: {\"error\":{\"type\":\"budget_exceeded\",\"message\":\"The answer reached what the spend budget reserved for it.\"}}\n\n", text);
        Assert.DoesNotContain("[DONE]", text);
        Assert.True(hold.StreamCut);
    }

    [Fact]
    public async Task Stream_WithinTheAllowancePassesUnchanged()
    {
        var events = string.Concat(Enumerable.Repeat("data: {\"choices\":[{\"delta\":{\"content\":\" word\"}}]}\n\n", 3)) + "data: [DONE]\n\n";
        var hold = new BudgetHold(Policy()) { Estimator = new TokenEstimator(), OutputAllowance = 5 };
        await using var stream = new BudgetedEventStream(new MemoryStream(Encoding.UTF8.GetBytes(events)), hold);

        Assert.Equal(events, await new StreamReader(stream).ReadToEndAsync());
        Assert.False(hold.StreamCut);
    }
}
