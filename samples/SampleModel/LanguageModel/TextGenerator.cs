using InferenceGateway.SampleModel.Tokenization;

namespace InferenceGateway.SampleModel.LanguageModel;

/// <summary>Turns the trained model into text: one paragraph, grown around the prompt's keyword when it has one.</summary>
internal sealed class TextGenerator(TrigramLanguageModel model)
{
    // Bounds the part of the reply written before the keyword; that part must be complete before anything is emitted.
    private const int MaxLeadingWords = 40;

    /// <summary>
    /// Yields the reply as text pieces (a word with its leading space, or a punctuation mark) until the model ends the paragraph.
    /// The sequence is lazy, so a caller that stops early never pays for the rest.
    /// </summary>
    public IEnumerable<string> Generate(string prompt, double temperature, Random random)
    {
        int beforeLead = Vocabulary.Boundary;
        List<int> lead = model.TryFindKeyword(prompt, out int keyword)
            ? GenerateLeadUpTo(keyword, temperature, random, out beforeLead)
            : [];
        var used = new HashSet<(int, int, int)>();
        for (int i = 2; i < lead.Count; i++)
        {
            used.Add((lead[i - 2], lead[i - 1], lead[i]));
        }

        bool first = true;
        foreach (int word in lead)
        {
            yield return ToPiece(word, first);
            first = false;
        }

        int previous2 = lead.Count >= 2 ? lead[^2] : beforeLead;
        int previous1 = lead.Count >= 1 ? lead[^1] : Vocabulary.Boundary;
        while (TryStep(model.Forward, previous2, previous1, used, temperature, random, out int next))
        {
            yield return ToPiece(next, first);
            first = false;
            previous2 = previous1;
            previous1 = next;
        }
    }

    /// <summary>
    /// Walks right to left from the keyword to the start of its sentence, so that the reply opens with a whole sentence.
    /// Returns the words in reading order, and in <paramref name="before"/> what precedes them: a sentence end or the paragraph boundary.
    /// </summary>
    private List<int> GenerateLeadUpTo(int keyword, double temperature, Random random, out int before)
    {
        var reversed = new List<int> { keyword };
        var used = new HashSet<(int, int, int)>();
        // Nothing after the keyword exists yet, so the first step can only use the bigram history.
        int previous2 = NgramModel.UnknownWord;
        int previous1 = keyword;
        before = Vocabulary.Boundary;
        while (reversed.Count < MaxLeadingWords && TryStep(model.Backward, previous2, previous1, used, temperature, random, out int next))
        {
            if (WordSplitter.EndsSentence(model.Vocabulary[next]))
            {
                before = next;
                break;
            }

            reversed.Add(next);
            previous2 = previous1;
            previous1 = next;
        }

        reversed.Reverse();
        return reversed;
    }

    /// <summary>
    /// Chooses the next word, or returns false at the end of the paragraph. A trigram is never repeated within one reply:
    /// that keeps greedy decoding out of loops and guarantees that generation ends.
    /// </summary>
    private static bool TryStep(
        NgramModel direction, int previous2, int previous1, HashSet<(int, int, int)> used, double temperature, Random random, out int next)
    {
        List<WordProbability> candidates = direction.Predict(previous2, previous1)
            .Where(candidate => candidate.Word == Vocabulary.Boundary || !used.Contains((previous2, previous1, candidate.Word)))
            .ToList();
        next = candidates.Count == 0 ? Vocabulary.Boundary : Sampler.Choose(candidates, temperature, random);
        if (next == Vocabulary.Boundary)
        {
            return false;
        }

        used.Add((previous2, previous1, next));
        return true;
    }

    private string ToPiece(int word, bool first)
    {
        string text = model.Vocabulary[word];
        if (first)
        {
            // A reply that starts mid-sentence still reads as a sentence.
            return char.ToUpperInvariant(text[0]) + text[1..];
        }

        return WordSplitter.IsPunctuation(text) ? text : " " + text;
    }
}