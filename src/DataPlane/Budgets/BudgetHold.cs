namespace InferenceGateway.DataPlane.Budgets;

/// <summary>
/// What one request holds of its budgets between admission and its last byte: the reservation of each rule that
/// reserved (tenant, credential), where it lives, and the output tokens a stream may send within it.
/// </summary>
internal sealed class BudgetHold(BudgetPolicy policy)
{
    public BudgetPolicy Policy { get; } = policy;

    /// <summary>The metering tokenizer, for counting a stream's output as it passes.</summary>
    public required Metering.TokenEstimator Estimator { get; init; }

    /// <summary>The worst-case cost reserved on each rule that reserved.</summary>
    public long Reserved { get; set; }

    /// <summary>The worst-case input tokens: what a stream's output allowance is counted after.</summary>
    public long InputTokens { get; set; }

    public RuleHold? Tenant { get; set; }

    public RuleHold? Key { get; set; }

    /// <summary>The rule that would have refused the request (shadow mode), for the access log and the meter; null when none.</summary>
    public string? WouldLimit { get; set; }

    /// <summary>Output tokens an enforced reservation leaves room for; a stream beyond them is ended. Long.MaxValue when nothing enforced reserved.</summary>
    public long OutputAllowance { get; set; } = long.MaxValue;

    /// <summary>Whether a stream was ended at the allowance.</summary>
    public bool StreamCut { get; set; }
}

/// <summary>One rule's reservation: the counters and the store that holds it.</summary>
internal sealed record RuleHold(BudgetCounter[] Counters, IBudgetStore Store, bool Shadow);
