namespace InferenceGateway.SampleModel.LanguageModel;

/// <summary>
/// Words that say how a question is asked rather than what it is about. The corpus is too small for frequency alone to tell
/// them apart: "about" or "tell" can be rarer in it than "weather".
/// </summary>
internal static class PromptKeywords
{
    private static readonly HashSet<string> Filler = new(
        [
            "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
            "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "describe", "did", "do", "does",
            "doing", "down", "during", "each", "explain", "few", "for", "from", "further", "give", "had", "has", "have", "having",
            "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "know", "let",
            "like", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our",
            "out", "over", "own", "please", "same", "say", "she", "should", "so", "some", "such", "tell", "than", "that", "the",
            "their", "them", "then", "there", "these", "they", "thing", "things", "think", "this", "those", "through", "to", "too",
            "under", "until", "up", "us", "very", "want", "was", "we", "were", "what", "when", "where", "which", "while", "who",
            "whom", "why", "will", "with", "would", "write", "you", "your",
        ],
        StringComparer.OrdinalIgnoreCase);

    public static bool IsFiller(string word)
    {
        return Filler.Contains(word);
    }
}