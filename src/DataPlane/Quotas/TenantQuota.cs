using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Quotas;

/// <summary>
/// A tenant's monthly quotas on this node: the plan's limits, the consumption the control plane last pushed, and
/// what this node served since it received that push (counted here, interlocked). A new push comes with a new
/// tenant entry and so a fresh local count: the pushed figure already holds what the node reported before it.
/// </summary>
internal sealed class TenantQuota
{
    private readonly DateTimeOffset _periodStart;
    private readonly long _pushedRequests;
    private readonly long _pushedInput;
    private readonly long _pushedOutput;
    private long _localRequests;
    private long _localInput;
    private long _localOutput;

    private TenantQuota(PlanSnapshot plan, TenantQuotaUsage? usage)
    {
        RequestLimit = plan.MonthlyRequestQuota;
        InputTokenLimit = plan.MonthlyInputTokenQuota;
        OutputTokenLimit = plan.MonthlyOutputTokenQuota;
        Soft = plan.QuotaEnforcement == "soft";
        if (usage is not null)
        {
            _periodStart = usage.PeriodStart;
            _pushedRequests = usage.Requests;
            _pushedInput = usage.InputTokens;
            _pushedOutput = usage.OutputTokens;
        }
    }

    /// <summary>Null when the plan has no quota: such tenants cost nothing here.</summary>
    public static TenantQuota? For(PlanSnapshot plan, TenantQuotaUsage? usage) =>
        plan.MonthlyRequestQuota is null && plan.MonthlyInputTokenQuota is null && plan.MonthlyOutputTokenQuota is null
            ? null
            : new TenantQuota(plan, usage);

    public long? RequestLimit { get; }

    public long? InputTokenLimit { get; }

    public long? OutputTokenLimit { get; }

    public bool Soft { get; }

    /// <summary>Which quota is used up at <paramref name="now"/>, or null. A push from an earlier month counts as nothing used.</summary>
    public string? Exhausted(DateTimeOffset now)
    {
        var current = now.Year == _periodStart.Year && now.Month == _periodStart.Month;
        if (RequestLimit is { } requests && (current ? _pushedRequests : 0) + Volatile.Read(ref _localRequests) >= requests)
        {
            return "request";
        }

        if (InputTokenLimit is { } input && (current ? _pushedInput : 0) + Volatile.Read(ref _localInput) >= input)
        {
            return "input-token";
        }

        if (OutputTokenLimit is { } output && (current ? _pushedOutput : 0) + Volatile.Read(ref _localOutput) >= output)
        {
            return "output-token";
        }

        return null;
    }

    public void CountRequest() => Interlocked.Increment(ref _localRequests);

    public void CountTokens(long input, long output)
    {
        if (input != 0)
        {
            Interlocked.Add(ref _localInput, input);
        }

        if (output != 0)
        {
            Interlocked.Add(ref _localOutput, output);
        }
    }
}
