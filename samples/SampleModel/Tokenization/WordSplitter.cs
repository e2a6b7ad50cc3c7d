using System.Text.RegularExpressions;

namespace InferenceGateway.SampleModel.Tokenization;

/// <summary>
/// Splits prose into the word and punctuation units that the n-gram model and the classifier count.
/// These units are the models' vocabulary; billing uses <see cref="TokenCounter"/> instead.
/// </summary>
internal static partial class WordSplitter
{
    // Apostrophes and hyphens stay inside words so that "don't" and "well-known" are single units.
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[.,;:!?]", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPattern();

    public static List<string> Split(string text)
    {
        var units = new List<string>();
        foreach (Match match in UnitPattern().Matches(text))
        {
            units.Add(match.Value);
        }

        return units;
    }

    public static bool IsPunctuation(string unit)
    {
        return unit.Length == 1 && ".,;:!?".Contains(unit[0], StringComparison.Ordinal);
    }

    public static bool EndsSentence(string unit)
    {
        return unit is "." or "!" or "?";
    }
}