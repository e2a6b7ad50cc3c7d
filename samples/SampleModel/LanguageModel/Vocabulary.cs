using InferenceGateway.SampleModel.Tokenization;

namespace InferenceGateway.SampleModel.LanguageModel;

/// <summary>Maps the corpus' words to dense ids so that n-gram tables key on integers rather than strings.</summary>
internal sealed class Vocabulary
{
    /// <summary>Marks both the start and the end of a paragraph; one id suffices because context always tells them apart.</summary>
    public const int Boundary = 0;

    private readonly List<string> _words = ["<paragraph>"];
    private readonly List<int> _frequencies = [0];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    // Prompts arrive in any casing, so keyword lookup ignores case and settles on the most frequent spelling.
    private readonly Dictionary<string, int> _idsIgnoringCase = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _words.Count;

    public string this[int id] => _words[id];

    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> paragraphs)
    {
        var vocabulary = new Vocabulary();
        foreach (IReadOnlyList<string> paragraph in paragraphs)
        {
            foreach (string word in paragraph)
            {
                vocabulary.Add(word);
            }
        }

        foreach ((string word, int id) in vocabulary._ids)
        {
            if (WordSplitter.IsPunctuation(word))
            {
                continue;
            }

            if (!vocabulary._idsIgnoringCase.TryGetValue(word, out int existing)
                || vocabulary._frequencies[id] > vocabulary._frequencies[existing])
            {
                vocabulary._idsIgnoringCase[word] = id;
            }
        }

        return vocabulary;
    }

    public int Frequency(int id)
    {
        return _frequencies[id];
    }

    public int[] Encode(IReadOnlyList<string> words)
    {
        var ids = new int[words.Count];
        for (int i = 0; i < words.Count; i++)
        {
            ids[i] = _ids[words[i]];
        }

        return ids;
    }

    /// <summary>Finds a word, ignoring case, that can seed generation; punctuation never qualifies.</summary>
    public bool TryFindWord(string word, out int id)
    {
        return _idsIgnoringCase.TryGetValue(word, out id);
    }

    private void Add(string word)
    {
        if (!_ids.TryGetValue(word, out int id))
        {
            id = _words.Count;
            _ids.Add(word, id);
            _words.Add(word);
            _frequencies.Add(0);
        }

        _frequencies[id]++;
    }
}