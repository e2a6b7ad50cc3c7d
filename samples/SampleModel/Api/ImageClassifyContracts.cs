namespace InferenceGateway.SampleModel.Api;

/// <summary>JSON form: the image as base64, or as a data URL (<c>data:image/png;base64,...</c>).</summary>
internal sealed class ImageClassifyRequest
{
    public string? Image { get; set; }

    public string? Model { get; set; }
}

internal sealed record ImageClassifyResponse(string Model, string Label, IReadOnlyList<ImageLabelScore> Scores);

internal sealed record ImageLabelScore(string Label, double Score);
