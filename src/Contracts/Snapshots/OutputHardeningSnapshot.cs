namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// How a node rewrites a model endpoint's successful JSON responses so they give away less: only the top-k scored
/// labels, scores rounded, some fields removed. A response that is not of the declared shape passes unchanged.
/// Bounds: <see cref="EndpointRules"/>.
/// </summary>
public sealed record OutputHardeningSnapshot
{
    /// <summary>
    /// Where the scores are: an array of objects with a numeric <see cref="ScoreField"/> (<c>[{"label":..,"score":..}]</c>)
    /// or an object of numbers (<c>{"cat":0.9,"dog":0.1}</c>). Needed for <see cref="TopK"/> and <see cref="ScoreDecimals"/>.
    /// </summary>
    public string? ScoresPath { get; init; }

    /// <summary>The score's field name in each array element.</summary>
    public string ScoreField { get; init; } = "score";

    public int? TopK { get; init; }

    public int? ScoreDecimals { get; init; }

    /// <summary>Fields removed wherever they are found by their path (for example <c>logits</c>, <c>data[*].embedding</c>).</summary>
    public IReadOnlyList<string>? RemoveFields { get; init; }

    /// <summary>Responses larger than this are refused (502) rather than passed unhardened.</summary>
    public required int MaxResponseBytes { get; init; }
}
