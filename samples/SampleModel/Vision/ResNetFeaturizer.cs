using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceGateway.SampleModel.Vision;

/// <summary>
/// The pretrained ResNet18 of the Microsoft.ML.DnnImageFeaturizer.ResNet18 package, run with ONNX Runtime: its
/// preprocessing network (ImageNet normalisation) and then the network itself, whose last pooling layer gives 512 features.
/// The sessions are thread-safe; each run uses one intra-op thread so concurrent requests do not fight over the cores,
/// and no memory arena, so the activations of a run are given back instead of being kept for the next one.
/// </summary>
internal sealed class ResNetFeaturizer : IDisposable
{
    public const int FeatureCount = 512;
    private const string NetworkInput = "Input247";
    private const string NetworkOutput = "Pooling395_Output_0";

    private readonly Microsoft.ML.OnnxRuntime.SessionOptions _options;
    private readonly InferenceSession _preprocess;
    private readonly InferenceSession _network;
    private readonly string _preprocessInput;
    private readonly string _preprocessOutput;

    public ResNetFeaturizer(string modelDirectory)
    {
        _options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, EnableCpuMemArena = false, EnableMemoryPattern = false };
        _preprocess = new InferenceSession(RequireFile(modelDirectory, "ResNetPreprocess.onnx"), _options);
        _network = new InferenceSession(RequireFile(modelDirectory, "ResNet18.onnx"), _options);
        _preprocessInput = _preprocess.InputMetadata.Keys.Single();
        _preprocessOutput = _preprocess.OutputMetadata.Keys.Single();
    }

    /// <summary>The 512 features of one image given as 3 x 224 x 224 planar RGB values in 0-255.</summary>
    public float[] Featurize(float[] planarRgb)
    {
        var pixels = new DenseTensor<float>(planarRgb, [1, 3, ImageInput.Side, ImageInput.Side]);
        using var prepared = _preprocess.Run([NamedOnnxValue.CreateFromTensor(_preprocessInput, pixels)]);
        var normalised = prepared.Single(v => v.Name == _preprocessOutput).AsTensor<float>();
        using var features = _network.Run(
            [NamedOnnxValue.CreateFromTensor(NetworkInput, normalised)], [NetworkOutput]);
        return features.Single().AsEnumerable<float>().ToArray();
    }

    public void Dispose()
    {
        _network.Dispose();
        _preprocess.Dispose();
        _options.Dispose();
    }

    private static string RequireFile(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"The ResNet model file {name} is missing from {directory}; the build copies it there from the Microsoft.ML.DnnImageFeaturizer.ResNet18 package.",
                path);
    }
}
