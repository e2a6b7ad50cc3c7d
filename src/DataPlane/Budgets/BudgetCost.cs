using System.Text.Json;

namespace InferenceGateway.DataPlane.Budgets;

/// <summary>What a request costs a budget, in nano-units: its worst case before it goes upstream, its real cost after.</summary>
internal static class BudgetCost
{
    /// <summary>
    /// The tokenizer counts message text only; a model also counts its chat framing (role markers, separators).
    /// This margin covers that framing, so a prompt's reported count stays inside its reservation.
    /// </summary>
    public static long InputWorstCase(long counted) => counted + counted / 16 + 32;

    /// <summary>The output worst case: the request's own <c>max_tokens</c> (or newer names), else the model's ceiling, times <c>n</c> choices.</summary>
    public static long OutputWorstCase(ReadOnlySpan<byte> body, int ceiling)
    {
        long? max = null;
        long choices = 1;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = document.RootElement;
                foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens", "max_output_tokens"])
                {
                    if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var tokens) && tokens > 0)
                    {
                        max = tokens;
                        break;
                    }
                }

                if (root.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var count) && count is > 1 and <= 128)
                {
                    choices = count;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the model will refuse it; the ceiling stands.
        }

        return (max ?? ceiling) * choices;
    }

    /// <summary>The cost of one request with these tokens at the policy's prices, rounded up to a whole nano-unit.</summary>
    public static long Of(BudgetPolicy policy, long inputTokens, long outputTokens) =>
        checked(policy.RequestNanos + PerMillion(inputTokens, policy.InputNanosPer1M) + PerMillion(outputTokens, policy.OutputNanosPer1M));

    /// <summary>How many output tokens fit in <paramref name="nanos"/> after the request and its input: a stream's allowance.</summary>
    public static long OutputTokensWithin(BudgetPolicy policy, long nanos, long inputTokens)
    {
        if (policy.OutputNanosPer1M == 0)
        {
            return long.MaxValue;
        }

        var left = (Int128)nanos - policy.RequestNanos - PerMillion(inputTokens, policy.InputNanosPer1M);
        return left <= 0 ? 0 : (long)(left * 1_000_000 / policy.OutputNanosPer1M);
    }

    private static long PerMillion(long tokens, long nanosPerMillion) =>
        tokens <= 0 || nanosPerMillion == 0 ? 0 : (long)(((Int128)tokens * nanosPerMillion + 999_999) / 1_000_000);
}
