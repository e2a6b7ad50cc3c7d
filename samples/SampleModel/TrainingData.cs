using System.Reflection;

using InferenceGateway.SampleModel.Classifier;

namespace InferenceGateway.SampleModel;

/// <summary>Reads the training data embedded in this assembly, so the models train the same wherever the host runs.</summary>
internal static class TrainingData
{
    private const string CorpusResource = "SampleModel.Data.corpus.txt";
    private const string SentimentResource = "SampleModel.Data.sentiment.tsv";

    /// <summary>The corpus' paragraphs: runs of non-blank lines, joined with spaces.</summary>
    public static List<string> ReadCorpusParagraphs()
    {
        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (string line in ReadLines(CorpusResource))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                Flush();
            }
            else
            {
                current.Add(line.Trim());
            }
        }

        Flush();
        return paragraphs;

        void Flush()
        {
            if (current.Count > 0)
            {
                paragraphs.Add(string.Join(' ', current));
                current.Clear();
            }
        }
    }

    /// <summary>The labelled examples: a header line, then one "label TAB text" line per example.</summary>
    public static List<LabelledText> ReadSentimentExamples()
    {
        var examples = new List<LabelledText>();
        int lineNumber = 0;
        foreach (string line in ReadLines(SentimentResource))
        {
            lineNumber++;
            if (lineNumber == 1 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split('\t', 2);
            if (fields.Length != 2 || fields[0].Length == 0 || string.IsNullOrWhiteSpace(fields[1]))
            {
                throw new InvalidDataException($"{SentimentResource} line {lineNumber} is not 'label<TAB>text'.");
            }

            examples.Add(new LabelledText(fields[0], fields[1]));
        }

        return examples;
    }

    private static IEnumerable<string> ReadLines(string resource)
    {
        using Stream stream = typeof(TrainingData).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}