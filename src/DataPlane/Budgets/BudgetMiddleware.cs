using InferenceGateway.DataPlane.Metering;
using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Budgets;

/// <summary>
/// Spend budgets: before a request goes upstream it reserves its worst-case cost (the prompt counted with the
/// metering tokenizer plus a framing margin, and <c>max_tokens</c> or the model's output ceiling, at the plan's
/// prices) on the tenant's and the credential's counters; when the answer has passed, the reservation is settled
/// to the real cost from the metered usage. A request that cannot be reserved gets 429 (budget-exceeded,
/// <c>x-should-retry: false</c>); under a shadow rule it is served and counted as "would have been limited".
/// </summary>
internal sealed partial class BudgetMiddleware(RequestDelegate next, BudgetStores stores, TokenEstimator estimator, TimeProvider time, ILogger<BudgetMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        if (request.Tenant!.Budget is not { } policy || request.Caller is not { } caller)
        {
            return next(context);
        }

        return BudgetedAsync(context, request, policy, caller.CredentialId);
    }

    private async Task BudgetedAsync(HttpContext context, GatewayRequest request, BudgetPolicy policy, Guid credentialId)
    {
        var hold = new BudgetHold(policy) { Estimator = estimator };
        long output = 0;
        if (MeteringMiddleware.IsModelOperation(context.Request.Method, request.RawRest, out _)
            && context.Request.Body is MemoryStream buffered && buffered.TryGetBuffer(out var body) && body.Count > 0)
        {
            hold.InputTokens = BudgetCost.InputWorstCase(estimator.CountRequest(body));
            output = BudgetCost.OutputWorstCase(body, request.Route!.MaxOutputTokens);
        }

        hold.Reserved = BudgetCost.Of(policy, hold.InputTokens, output);
        var now = time.GetUtcNow();
        if (policy.HasTenantRule)
        {
            var (rule, refusal) = await ReserveAsync(BudgetCounters.Tenant(policy, now), hold, policy.TenantShadow, "tenant", context.RequestAborted);
            if (refusal is not null)
            {
                await refusal(context);
                return;
            }

            hold.Tenant = rule;
        }

        if (policy.HasKeyRule)
        {
            var (rule, refusal) = await ReserveAsync(BudgetCounters.Key(policy, credentialId, now), hold, policy.KeyShadow, "credential", context.RequestAborted);
            if (refusal is not null)
            {
                Release(hold.Tenant, hold.Reserved, 0);
                await refusal(context);
                return;
            }

            hold.Key = rule;
        }

        if (hold.Tenant is { Shadow: false } || hold.Key is { Shadow: false })
        {
            hold.OutputAllowance = BudgetCost.OutputTokensWithin(policy, hold.Reserved, hold.InputTokens);
        }

        request.Budget = hold;
        try
        {
            await next(context);
        }
        finally
        {
            var actual = ActualCost(request, hold);
            Release(hold.Tenant, hold.Reserved, actual);
            Release(hold.Key, hold.Reserved, actual);
            if (hold.WouldLimit is not null)
            {
                LogWouldLimit(logger, request.RequestId, request.Tenant!.Slug, hold.WouldLimit);
            }
        }
    }

    /// <summary>One rule's reservation; a refusal to write instead when the rule is enforced and has no room (or no store).</summary>
    private async Task<(RuleHold? Hold, Func<HttpContext, Task>? Refusal)> ReserveAsync(
        BudgetCounter[] counters, BudgetHold hold, bool shadow, string scope, CancellationToken cancellationToken)
    {
        if (counters.Length == 0)
        {
            return (null, null);
        }

        var (store, fallback) = stores.For(hold.Policy);
        var result = store is null ? ReserveResult.Down : await store.ReserveAsync(counters, hold.Reserved, cancellationToken);
        if (result.Unavailable && fallback is not null)
        {
            store = fallback;
            result = await fallback.ReserveAsync(counters, hold.Reserved, cancellationToken);
        }

        if (result.Reserved)
        {
            return (new RuleHold(counters, store!, shadow), null);
        }

        var period = result.Unavailable ? null : BudgetCounters.PeriodOf(counters[result.SpentCounter]);
        if (shadow)
        {
            // Served, and not charged to the counter: the counter then follows exactly what enforcing would have admitted.
            hold.WouldLimit ??= result.Unavailable ? $"{scope}-budget-unavailable" : $"{scope}-{period}-budget";
            return (null, null);
        }

        if (result.Unavailable)
        {
            return (null, context =>
            {
                context.Response.Headers.RetryAfter = "1";
                return GatewayProblem.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Budget unavailable",
                    "The spend budget cannot be checked right now; the plan refuses budget-limited requests until it can.", GatewayProblem.BudgetUnavailableType);
            });
        }

        return (null, context =>
        {
            context.Response.Headers["x-should-retry"] = "false";
            return GatewayProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Budget exceeded",
                $"The {scope}'s {period} spend budget cannot cover this request's worst-case cost; requests are refused until the period (UTC) ends or the plan changes.",
                GatewayProblem.BudgetExceededType);
        });
    }

    /// <summary>The real cost from the metered usage; the worst case stays charged when the node meters nothing.</summary>
    private static long ActualCost(GatewayRequest request, BudgetHold hold)
    {
        if (!request.Metered)
        {
            return hold.Reserved;
        }

        return request.Usage is { } usage
            ? BudgetCost.Of(hold.Policy, usage.InputTokens, usage.OutputTokens)
            : BudgetCost.Of(hold.Policy, 0, 0);
    }

    private static void Release(RuleHold? rule, long reserved, long actual) => rule?.Store.Settle(rule.Counters, reserved, actual);

    [LoggerMessage(EventId = 850, Level = LogLevel.Debug, Message = "{RequestId} tenant={Tenant} would have been limited by {Rule} (shadow mode)")]
    private static partial void LogWouldLimit(ILogger logger, string requestId, string tenant, string rule);
}
