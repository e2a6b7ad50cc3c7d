namespace InferenceGateway.SampleModel.Classifier;

/// <summary>A multinomial naive Bayes text classifier with add-one smoothing.</summary>
internal sealed class NaiveBayesClassifier
{
    private const double Smoothing = 1.0;

    private readonly string[] _labels;
    private readonly double[] _logPriors;
    private readonly Dictionary<string, double[]> _logLikelihoods;

    private NaiveBayesClassifier(string[] labels, double[] logPriors, Dictionary<string, double[]> logLikelihoods, int exampleCount)
    {
        _labels = labels;
        _logPriors = logPriors;
        _logLikelihoods = logLikelihoods;
        ExampleCount = exampleCount;
    }

    public IReadOnlyList<string> Labels => _labels;

    public int ExampleCount { get; }

    public int FeatureCount => _logLikelihoods.Count;

    public static NaiveBayesClassifier Train(IReadOnlyCollection<LabelledText> examples)
    {
        if (examples.Count == 0)
        {
            throw new ArgumentException("The classifier needs at least one labelled example.", nameof(examples));
        }

        string[] labels = examples.Select(example => example.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var labelIndex = labels.Select((label, index) => (label, index)).ToDictionary(pair => pair.label, pair => pair.index);
        var documentCounts = new int[labels.Length];
        var featureTotals = new double[labels.Length];
        var featureCounts = new Dictionary<string, double[]>(StringComparer.Ordinal);

        foreach (LabelledText example in examples)
        {
            int label = labelIndex[example.Label];
            documentCounts[label]++;
            foreach (string feature in SentimentFeatures.Extract(example.Text))
            {
                if (!featureCounts.TryGetValue(feature, out double[]? counts))
                {
                    counts = new double[labels.Length];
                    featureCounts.Add(feature, counts);
                }

                counts[label]++;
                featureTotals[label]++;
            }
        }

        double[] logPriors = documentCounts.Select(count => Math.Log((double)count / examples.Count)).ToArray();
        int vocabularySize = featureCounts.Count;
        var logLikelihoods = featureCounts.ToDictionary(
            pair => pair.Key,
            pair => pair.Value
                .Select((count, label) => Math.Log((count + Smoothing) / (featureTotals[label] + (Smoothing * vocabularySize))))
                .ToArray(),
            StringComparer.Ordinal);
        return new NaiveBayesClassifier(labels, logPriors, logLikelihoods, examples.Count);
    }

    public Classification Classify(string text)
    {
        double[] scores = (double[])_logPriors.Clone();
        foreach (string feature in SentimentFeatures.Extract(text))
        {
            // Words never seen in training say nothing about any label, so they are left out rather than smoothed in.
            if (_logLikelihoods.TryGetValue(feature, out double[]? likelihoods))
            {
                for (int label = 0; label < scores.Length; label++)
                {
                    scores[label] += likelihoods[label];
                }
            }
        }

        // Normalising in log space first keeps long texts from underflowing to all-zero probabilities.
        double max = scores.Max();
        double total = 0;
        for (int label = 0; label < scores.Length; label++)
        {
            scores[label] = Math.Exp(scores[label] - max);
            total += scores[label];
        }

        var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
        int best = 0;
        for (int label = 0; label < scores.Length; label++)
        {
            probabilities[_labels[label]] = scores[label] / total;
            if (scores[label] > scores[best])
            {
                best = label;
            }
        }

        return new Classification(_labels[best], probabilities);
    }
}