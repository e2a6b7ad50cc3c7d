namespace InferenceGateway.SampleModel;

/// <summary>Settings bound from the "SampleModel" configuration section, e.g. <c>--SampleModel:StreamChunkDelayMilliseconds=20</c>.</summary>
internal sealed class SampleModelOptions
{
    public const string SectionName = "SampleModel";

    /// <summary>The id listed for the chat model; chat requests may name any model and are answered by this one.</summary>
    public string ChatModelId { get; set; } = "sample-trigram-1";

    /// <summary>The id listed for the sentiment classifier.</summary>
    public string ClassifierModelId { get; set; } = "sample-sentiment-1";

    /// <summary>The id listed for the image classifier (ResNet18 features, a head trained on the shipped images).</summary>
    public string ImageModelId { get; set; } = "sample-resnet18-shapes-1";

    /// <summary>The largest encoded image accepted by <c>/v1/images/classify</c>, in bytes.</summary>
    public int MaxImageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The most pixels (width times height) an image may declare; larger ones are refused before decoding.</summary>
    public long MaxImagePixels { get; set; } = 4096L * 4096;

    /// <summary>
    /// A pause before each streamed token. Generation itself is instantaneous, so without it a stream arrives as one burst
    /// and a gateway's incremental forwarding cannot be observed.
    /// </summary>
    public int StreamChunkDelayMilliseconds { get; set; }
}