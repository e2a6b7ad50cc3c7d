using System.Reflection;

namespace InferenceGateway.SampleModel.Vision;

/// <summary>
/// ResNet18 features plus a nearest-centroid head trained at start on the labelled images embedded in this assembly
/// (Data/images/train, rendered by Data/images/make-images.py). Each image's label is its file name up to the first '-'.
/// </summary>
internal sealed class ImageClassifier(ResNetFeaturizer featurizer, NearestCentroidHead head, int exampleCount, long maxPixels) : IDisposable
{
    private const string ResourcePrefix = "SampleModel.Data.images.";

    public IReadOnlyList<string> Labels => head.Labels;

    public int ExampleCount { get; } = exampleCount;

    public static ImageClassifier Train(string modelDirectory, long maxPixels)
    {
        var featurizer = new ResNetFeaturizer(modelDirectory);
        try
        {
            var examples = new List<(string Label, float[] Features)>();
            Assembly assembly = typeof(ImageClassifier).Assembly;
            foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                string fileName = resource[ResourcePrefix.Length..];
                int dash = fileName.IndexOf('-', StringComparison.Ordinal);
                if (dash <= 0)
                {
                    throw new InvalidDataException($"The training image {fileName} is not named '<label>-<n>.png'.");
                }

                using Stream stream = assembly.GetManifestResourceStream(resource)!;
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                examples.Add((fileName[..dash], featurizer.Featurize(ImageInput.ToTensorData(bytes.ToArray(), maxPixels))));
            }

            return new ImageClassifier(featurizer, NearestCentroidHead.Train(examples), examples.Count, maxPixels);
        }
        catch
        {
            featurizer.Dispose();
            throw;
        }
    }

    /// <summary>Every label with its probability, highest first.</summary>
    /// <exception cref="ImageInput.RejectedException">The bytes are not a decodable image, or it has too many pixels.</exception>
    public IReadOnlyList<LabelScore> Classify(byte[] encoded) =>
        head.Predict(featurizer.Featurize(ImageInput.ToTensorData(encoded, maxPixels)));

    public void Dispose() => featurizer.Dispose();
}
