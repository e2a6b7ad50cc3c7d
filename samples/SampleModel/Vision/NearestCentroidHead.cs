namespace InferenceGateway.SampleModel.Vision;

/// <summary>
/// The classifier on top of the ResNet features: one centroid per label (the mean of its unit-length training vectors),
/// and a softmax over the cosine similarities to them. A few dozen examples train it in microseconds, and it needs no
/// tuning beyond the sharpness of the softmax.
/// </summary>
internal sealed class NearestCentroidHead
{
    /// <summary>Cosine similarities of ResNet features differ by a few hundredths; this spreads them into usable probabilities.</summary>
    private const double Sharpness = 40;

    private readonly string[] _labels;
    private readonly float[][] _centroids;

    private NearestCentroidHead(string[] labels, float[][] centroids)
    {
        _labels = labels;
        _centroids = centroids;
    }

    public IReadOnlyList<string> Labels => _labels;

    public static NearestCentroidHead Train(IReadOnlyCollection<(string Label, float[] Features)> examples)
    {
        if (examples.Count == 0)
        {
            throw new ArgumentException("The image classifier needs at least one labelled image.", nameof(examples));
        }

        string[] labels = examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var centroids = new float[labels.Length][];
        for (int i = 0; i < labels.Length; i++)
        {
            var sum = new float[examples.First().Features.Length];
            foreach (var (_, features) in examples.Where(e => e.Label == labels[i]))
            {
                float[] unit = Normalise(features);
                for (int j = 0; j < sum.Length; j++)
                {
                    sum[j] += unit[j];
                }
            }

            centroids[i] = Normalise(sum);
        }

        return new NearestCentroidHead(labels, centroids);
    }

    /// <summary>A probability for every label, highest first.</summary>
    public IReadOnlyList<LabelScore> Predict(float[] features)
    {
        float[] unit = Normalise(features);
        var logits = new double[_labels.Length];
        for (int i = 0; i < _labels.Length; i++)
        {
            double dot = 0;
            for (int j = 0; j < unit.Length; j++)
            {
                dot += unit[j] * _centroids[i][j];
            }

            logits[i] = dot * Sharpness;
        }

        double max = logits.Max();
        double[] exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double total = exp.Sum();
        return _labels.Select((label, i) => new LabelScore(label, exp[i] / total))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
    }

    private static float[] Normalise(float[] vector)
    {
        double length = Math.Sqrt(vector.Sum(v => (double)v * v));
        return length == 0 ? (float[])vector.Clone() : vector.Select(v => (float)(v / length)).ToArray();
    }
}

internal sealed record LabelScore(string Label, double Score);
