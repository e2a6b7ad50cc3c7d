using InferenceGateway.SampleModel.Tokenization;

namespace InferenceGateway.SampleModel.LanguageModel;

/// <summary>
/// The trained chat model: one trigram model reading left to right and one reading right to left, over a shared vocabulary.
/// The right-to-left model lets a reply grow outwards from a word of the prompt, so that the reply is about the prompt.
/// </summary>
internal sealed class TrigramLanguageModel
{
    private TrigramLanguageModel(Vocabulary vocabulary, NgramModel forward, NgramModel backward, int paragraphCount)
    {
        Vocabulary = vocabulary;
        Forward = forward;
        Backward = backward;
        ParagraphCount = paragraphCount;
    }

    public Vocabulary Vocabulary { get; }

    public NgramModel Forward { get; }

    public NgramModel Backward { get; }

    public int ParagraphCount { get; }

    public static TrigramLanguageModel Train(IEnumerable<string> paragraphs)
    {
        List<List<string>> words = paragraphs.Select(WordSplitter.Split).Where(units => units.Count > 0).ToList();
        Vocabulary vocabulary = Vocabulary.Build(words);
        List<int[]> sequences = words.Select(vocabulary.Encode).ToList();
        NgramModel forward = NgramModel.Train(sequences);
        NgramModel backward = NgramModel.Train(sequences.Select(sequence => sequence.Reverse().ToArray()));
        return new TrigramLanguageModel(vocabulary, forward, backward, sequences.Count);
    }

    /// <summary>
    /// The prompt word the reply is built around: the last word the corpus knows that is not filler, because questions tend
    /// to end with their subject ("How does a gateway handle retries?").
    /// </summary>
    public bool TryFindKeyword(string prompt, out int keyword)
    {
        keyword = Vocabulary.Boundary;
        foreach (string unit in WordSplitter.Split(prompt))
        {
            if (!PromptKeywords.IsFiller(unit) && Vocabulary.TryFindWord(unit, out int id))
            {
                keyword = id;
            }
        }

        return keyword != Vocabulary.Boundary;
    }
}