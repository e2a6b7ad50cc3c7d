namespace InferenceGateway.SampleModel.LanguageModel;

/// <summary>Picks the next word from a distribution under OpenAI's temperature semantics.</summary>
internal static class Sampler
{
    public static int Choose(IReadOnlyList<WordProbability> candidates, double temperature, Random random)
    {
        if (temperature <= 0)
        {
            return Greedy(candidates);
        }

        // Scaling log-probabilities relative to the best candidate keeps p^(1/T) from underflowing at small temperatures.
        double best = candidates.Max(candidate => candidate.Probability);
        var weights = new double[candidates.Count];
        double total = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            weights[i] = Math.Exp((Math.Log(candidates[i].Probability) - Math.Log(best)) / temperature);
            total += weights[i];
        }

        double target = random.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return candidates[i].Word;
            }
        }

        return candidates[^1].Word;
    }

    private static int Greedy(IReadOnlyList<WordProbability> candidates)
    {
        // Strictly greater keeps the lowest id on ties, so temperature 0 is deterministic.
        WordProbability best = candidates[0];
        foreach (WordProbability candidate in candidates)
        {
            if (candidate.Probability > best.Probability)
            {
                best = candidate;
            }
        }

        return best.Word;
    }
}