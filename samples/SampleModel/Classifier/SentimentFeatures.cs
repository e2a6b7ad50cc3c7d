using InferenceGateway.SampleModel.Tokenization;

namespace InferenceGateway.SampleModel.Classifier;

/// <summary>Turns text into the features the classifier counts: lower-cased words, with negated words marked.</summary>
internal static class SentimentFeatures
{
    private const string NegationPrefix = "not_";

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "nobody", "nothing", "neither", "nor", "without",
    };

    /// <summary>
    /// Words after a negation, up to the next punctuation mark, become "not_word", so that "not good" counts against
    /// the positive label instead of for it (the classic Das and Chen treatment).
    /// </summary>
    public static List<string> Extract(string text)
    {
        var features = new List<string>();
        bool negated = false;
        foreach (string unit in WordSplitter.Split(text))
        {
            if (WordSplitter.IsPunctuation(unit))
            {
                negated = false;
                continue;
            }

            string word = unit.ToLowerInvariant();
            features.Add(negated ? NegationPrefix + word : word);
            if (Negations.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal))
            {
                negated = true;
            }
        }

        return features;
    }
}