using Microsoft.ML.Tokenizers;

namespace InferenceGateway.SampleModel.Tokenization;

/// <summary>
/// Counts tokens exactly as OpenAI's GPT-4 family does (cl100k_base), so that the usage this server reports
/// can be checked against any other cl100k_base implementation, including the gateway's own metering.
/// </summary>
internal sealed class TokenCounter
{
    public const string EncodingModel = "gpt-4";

    // Loading the vocabulary takes a noticeable fraction of a second, so one instance serves the whole process.
    private readonly TiktokenTokenizer _tokenizer = TiktokenTokenizer.CreateForModel(EncodingModel);

    public int Count(string text)
    {
        return _tokenizer.CountTokens(text);
    }

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="maxTokens"/> tokens.</summary>
    public string Truncate(string text, int maxTokens)
    {
        string prefix = text;
        // Re-encoding a cut prefix can merge differently from the full text, so shrink until the prefix itself fits.
        for (int budget = maxTokens; budget > 0 && Count(prefix) > maxTokens; budget--)
        {
            int index = _tokenizer.GetIndexByTokenCount(text, budget, out _, out _);
            prefix = text[..index];
        }

        return Count(prefix) > maxTokens ? string.Empty : prefix;
    }

    /// <summary>
    /// Splits <paramref name="text"/> at token boundaries so that a stream carries one token per event, as OpenAI's does.
    /// The pieces always concatenate back to <paramref name="text"/>.
    /// </summary>
    public List<string> SplitAtTokenBoundaries(string text)
    {
        var pieces = new List<string>();
        int start = 0;
        foreach (EncodedToken token in _tokenizer.EncodeToTokens(text, out _))
        {
            // A character that spans several byte-level tokens yields overlapping offsets; it is emitted once, whole.
            int end = Math.Min(token.Offset.End.GetOffset(text.Length), text.Length);
            if (end > start)
            {
                pieces.Add(text[start..end]);
                start = end;
            }
        }

        if (start < text.Length)
        {
            pieces.Add(text[start..]);
        }

        return pieces;
    }
}