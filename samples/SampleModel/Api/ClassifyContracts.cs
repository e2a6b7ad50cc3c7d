namespace InferenceGateway.SampleModel.Api;

internal sealed class ClassifyRequest
{
    public string? Text { get; set; }

    public string? Model { get; set; }
}

internal sealed record ClassifyResponse(string Model, string Label, IReadOnlyDictionary<string, double> Scores, ClassifyUsage Usage);

internal sealed record ClassifyUsage(int PromptTokens, int TotalTokens);