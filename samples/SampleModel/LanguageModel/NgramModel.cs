namespace InferenceGateway.SampleModel.LanguageModel;

/// <summary>
/// A trigram model that interpolates with bigrams and backs off to bigrams, then unigrams, when a history was never seen.
/// </summary>
internal sealed class NgramModel
{
    /// <summary>Marks a history position that is not known, which forces the model to back off to a bigram.</summary>
    public const int UnknownWord = -1;

    // Most trigram histories in a small corpus have a single continuation; a little bigram mass lets the text recombine
    // without turning it into word salad.
    private const double TrigramWeight = 0.95;

    private readonly Dictionary<(int, int), Continuations> _trigrams;
    private readonly Dictionary<int, Continuations> _bigrams;
    private readonly Continuations _unigrams;

    private NgramModel(Dictionary<(int, int), Continuations> trigrams, Dictionary<int, Continuations> bigrams, Continuations unigrams)
    {
        _trigrams = trigrams;
        _bigrams = bigrams;
        _unigrams = unigrams;
    }

    public int TrigramHistoryCount => _trigrams.Count;

    /// <summary>Counts every trigram of each sequence, padded with <see cref="Vocabulary.Boundary"/> on both ends.</summary>
    public static NgramModel Train(IEnumerable<int[]> sequences)
    {
        var trigrams = new Dictionary<(int, int), Dictionary<int, int>>();
        var bigrams = new Dictionary<int, Dictionary<int, int>>();
        var unigrams = new Dictionary<int, int>();

        foreach (int[] sequence in sequences)
        {
            int previous2 = Vocabulary.Boundary;
            int previous1 = Vocabulary.Boundary;
            for (int i = 0; i <= sequence.Length; i++)
            {
                int word = i < sequence.Length ? sequence[i] : Vocabulary.Boundary;
                Increment(GetOrAdd(trigrams, (previous2, previous1)), word);
                Increment(GetOrAdd(bigrams, previous1), word);
                Increment(unigrams, word);
                previous2 = previous1;
                previous1 = word;
            }
        }

        return new NgramModel(
            trigrams.ToDictionary(pair => pair.Key, pair => Continuations.Freeze(pair.Value)),
            bigrams.ToDictionary(pair => pair.Key, pair => Continuations.Freeze(pair.Value)),
            Continuations.Freeze(unigrams));
    }

    /// <summary>The distribution of the next word, ordered by word id so that sampling is reproducible.</summary>
    public IReadOnlyList<WordProbability> Predict(int previous2, int previous1)
    {
        if (!_bigrams.TryGetValue(previous1, out Continuations? bigram))
        {
            return _unigrams.ToDistribution();
        }

        if (!_trigrams.TryGetValue((previous2, previous1), out Continuations? trigram))
        {
            return bigram.ToDistribution();
        }

        var mixed = new SortedDictionary<int, double>();
        trigram.AddTo(mixed, TrigramWeight);
        bigram.AddTo(mixed, 1 - TrigramWeight);
        return mixed.Select(pair => new WordProbability(pair.Key, pair.Value)).ToList();
    }

    private static Dictionary<int, int> GetOrAdd<TKey>(Dictionary<TKey, Dictionary<int, int>> table, TKey key)
        where TKey : notnull
    {
        if (!table.TryGetValue(key, out Dictionary<int, int>? counts))
        {
            counts = [];
            table.Add(key, counts);
        }

        return counts;
    }

    private static void Increment(Dictionary<int, int> counts, int word)
    {
        counts[word] = counts.GetValueOrDefault(word) + 1;
    }

    /// <summary>The words seen after one history, with their counts, frozen into id order after training.</summary>
    private sealed class Continuations(int[] words, int[] counts, int total)
    {
        public static Continuations Freeze(Dictionary<int, int> counts)
        {
            int[] words = counts.Keys.Order().ToArray();
            return new Continuations(words, words.Select(word => counts[word]).ToArray(), counts.Values.Sum());
        }

        public List<WordProbability> ToDistribution()
        {
            var distribution = new List<WordProbability>(words.Length);
            for (int i = 0; i < words.Length; i++)
            {
                distribution.Add(new WordProbability(words[i], (double)counts[i] / total));
            }

            return distribution;
        }

        public void AddTo(SortedDictionary<int, double> distribution, double weight)
        {
            for (int i = 0; i < words.Length; i++)
            {
                distribution[words[i]] = distribution.GetValueOrDefault(words[i]) + (weight * counts[i] / total);
            }
        }
    }
}

internal readonly record struct WordProbability(int Word, double Probability);