using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Rules;

/// <summary>The outcome of checking one request's images: null when they pass, else the status and what failed.</summary>
internal sealed record ImageRefusal(int Status, string Rule, string Detail);

/// <summary>An endpoint's image rules in ready-to-check form (validated with <see cref="EndpointRules"/> when the snapshot is applied).</summary>
internal sealed class ImageRules(ImageRulesSnapshot rules)
{
    private readonly bool[] _allowed = Enum.GetValues<ImageKind>().Select(k => rules.AllowedTypes.Contains(ImageHeader.Name(k))).ToArray();

    public long MaxEncodedBytes { get; } = rules.MaxEncodedBytes;

    public int MaxImages { get; } = rules.MaxImages;

    /// <summary>The JSON fields that hold base64 images, parsed.</summary>
    public IReadOnlyList<IReadOnlyList<JsonPathSegment>> JsonPaths { get; } =
        (rules.JsonPaths ?? []).Select(p => JsonFieldPath.TryParse(p, out var segments) ? segments : throw new ArgumentException("invalid path", nameof(rules))).ToList();

    public string AllowedList { get; } = string.Join(", ", rules.AllowedTypes);

    /// <summary>Checks one image (the <paramref name="index"/>th of the request, from 1) by its bytes alone.</summary>
    public ImageRefusal? Check(ReadOnlySpan<byte> image, int index, string where)
    {
        if (image.Length > rules.MaxEncodedBytes)
        {
            return TooLarge(index, where, image.Length);
        }

        if (ImageHeader.Sniff(image) is not { } kind)
        {
            return new ImageRefusal(StatusCodes.Status422UnprocessableEntity, "allowedTypes",
                $"Image {index} ({where}) is not an image of a type this model accepts ({AllowedList}), judged by its content.");
        }

        if (!_allowed[(int)kind])
        {
            return new ImageRefusal(StatusCodes.Status422UnprocessableEntity, "allowedTypes",
                $"Image {index} ({where}) is {ImageHeader.Name(kind)}; this model accepts {AllowedList}.");
        }

        if (!ImageHeader.TryReadSize(kind, image, out var width, out var height))
        {
            return new ImageRefusal(StatusCodes.Status422UnprocessableEntity, "header",
                $"Image {index} ({where}) has a truncated or malformed {ImageHeader.Name(kind)} header.");
        }

        if (width > rules.MaxWidth)
        {
            return new ImageRefusal(StatusCodes.Status413PayloadTooLarge, "maxWidth",
                $"Image {index} ({where}) is {width} pixels wide; this model accepts at most {rules.MaxWidth}.");
        }

        if (height > rules.MaxHeight)
        {
            return new ImageRefusal(StatusCodes.Status413PayloadTooLarge, "maxHeight",
                $"Image {index} ({where}) is {height} pixels high; this model accepts at most {rules.MaxHeight}.");
        }

        if (width * height > rules.MaxPixels)
        {
            return new ImageRefusal(StatusCodes.Status413PayloadTooLarge, "maxPixels",
                $"Image {index} ({where}) is {width} x {height} = {width * height} pixels; this model accepts at most {rules.MaxPixels}.");
        }

        return null;
    }

    /// <summary>An image of <paramref name="bytes"/> (or more) bytes, over the limit.</summary>
    public ImageRefusal TooLarge(int index, string where, long bytes) => new(StatusCodes.Status413PayloadTooLarge, "maxEncodedBytes",
        $"Image {index} ({where}) is {bytes} bytes or more; this model accepts at most {rules.MaxEncodedBytes}.");

    public ImageRefusal TooMany(int count) => new(StatusCodes.Status413PayloadTooLarge, "maxImages",
        $"The request carries {count} or more images; this model accepts at most {rules.MaxImages}.");
}
