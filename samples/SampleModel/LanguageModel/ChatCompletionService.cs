using System.Text;

using InferenceGateway.SampleModel.Tokenization;

namespace InferenceGateway.SampleModel.LanguageModel;

internal sealed record CompletionSettings(string Prompt, int MaxTokens, double Temperature, long? Seed);

internal sealed record Completion(string Text, string FinishReason, int CompletionTokens);

/// <summary>Runs the generator under a token budget and reports why it stopped, as OpenAI's finish_reason does.</summary>
internal sealed class ChatCompletionService(TrigramLanguageModel model, TokenCounter tokens)
{
    public const string FinishStop = "stop";
    public const string FinishLength = "length";

    private readonly TextGenerator _generator = new(model);

    public Completion Complete(CompletionSettings settings)
    {
        using IEnumerator<string> pieces = _generator.Generate(settings.Prompt, settings.Temperature, CreateRandom(settings.Seed))
            .GetEnumerator();
        var text = new StringBuilder();
        int estimate = 0;
        while (true)
        {
            // Summing per-piece counts is cheap but only approximates the count of the joined text,
            // so the exact count decides whether the budget was really exceeded.
            bool ended = false;
            while (estimate <= settings.MaxTokens)
            {
                if (!pieces.MoveNext())
                {
                    ended = true;
                    break;
                }

                text.Append(pieces.Current);
                estimate += tokens.Count(pieces.Current);
            }

            string candidate = text.ToString();
            int exact = tokens.Count(candidate);
            if (exact > settings.MaxTokens)
            {
                string truncated = tokens.Truncate(candidate, settings.MaxTokens);
                return new Completion(truncated, FinishLength, tokens.Count(truncated));
            }

            if (ended)
            {
                return new Completion(candidate, FinishStop, exact);
            }

            estimate = exact;
        }
    }

    private static Random CreateRandom(long? seed)
    {
        if (seed is not { } value)
        {
            return Random.Shared;
        }

        // System.Random with an explicit seed produces the same sequence on every run and platform, which makes seeds reproducible.
        return new Random(unchecked((int)value ^ (int)(value >> 32)));
    }
}