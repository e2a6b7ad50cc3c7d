namespace InferenceGateway.Contracts.Rules;

/// <summary>Bounds of spend budgets and of a model's output ceiling, checked by the API and relied on by the nodes.</summary>
public static class BudgetRules
{
    /// <summary>The output ceiling of a model endpoint that names none: the worst case of a request without <c>max_tokens</c>.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    public const int MaxOutputTokensCeiling = 1_000_000;

    /// <summary>
    /// The largest budget amount, in the plan's currency: 10^15 nano-units, below 2^53, so Redis's Lua (doubles)
    /// adds budget counters exactly.
    /// </summary>
    public const decimal MaxAmount = 1_000_000m;

    /// <summary>Budget amounts are counted on the nodes and in Redis in nano-units of the currency (integers).</summary>
    public const decimal NanosPerUnit = 1_000_000_000m;

    public static bool IsAmount(decimal value) => value > 0 && value <= MaxAmount && decimal.Round(value, 6) == value;
}
