namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// What a model endpoint accepts as images. Nodes check every image of a request (a raw body, each file part of a
/// multipart body, each base64 string at <see cref="JsonPaths"/> of a JSON body) by its magic bytes and its header,
/// before anything goes upstream. Bounds: <see cref="EndpointRules"/>.
/// </summary>
public sealed record ImageRulesSnapshot
{
    /// <summary>Image types by magic bytes: <c>png</c>, <c>jpeg</c>, <c>gif</c>, <c>webp</c>.</summary>
    public required IReadOnlyList<string> AllowedTypes { get; init; }

    /// <summary>The largest encoded (decoded from base64, if so sent) size of one image.</summary>
    public required long MaxEncodedBytes { get; init; }

    public required int MaxWidth { get; init; }

    public required int MaxHeight { get; init; }

    /// <summary>Width times height: what a decoder allocates for, whatever the file size.</summary>
    public required long MaxPixels { get; init; }

    public required int MaxImages { get; init; }

    /// <summary>Fields of a JSON body that hold base64 images (or data URLs), as <c>image</c>, <c>input.images[*]</c>.</summary>
    public IReadOnlyList<string>? JsonPaths { get; init; }
}
