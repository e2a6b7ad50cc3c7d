namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// The bounds of <see cref="ImageRulesSnapshot"/> and <see cref="OutputHardeningSnapshot"/>, checked in one place by the
/// admin API, the config compiler and every node, so the three cannot drift. Every problem is reported, not the first.
/// </summary>
public static class EndpointRules
{
    public static readonly IReadOnlyList<string> ImageTypes = ["png", "jpeg", "gif", "webp"];

    public const long MaxEncodedBytesLimit = 64L * 1024 * 1024;
    public const int MaxSideLimit = 1_000_000;
    public const long MaxPixelsLimit = 1_000_000_000;
    public const int MaxImagesLimit = 64;
    public const int MaxJsonPaths = 8;
    public const int MaxTopK = 1000;
    public const int MaxScoreDecimals = 6;
    public const int MaxRemoveFields = 32;
    public const int MinResponseBytes = 1024;
    public const int MaxResponseBytesLimit = 16 * 1024 * 1024;
    public const int DefaultMaxResponseBytes = 1024 * 1024;

    /// <summary>Adds (field, message) for every problem of <paramref name="rules"/>; field names are camelCase under <paramref name="prefix"/>.</summary>
    public static void Validate(ImageRulesSnapshot rules, string prefix, ICollection<(string Field, string Message)> errors)
    {
        if (rules.AllowedTypes is not { Count: > 0 })
        {
            errors.Add(($"{prefix}.allowedTypes", $"Name at least one of: {string.Join(", ", ImageTypes)}."));
        }
        else
        {
            foreach (var type in rules.AllowedTypes.Where(t => !ImageTypes.Contains(t)).Distinct())
            {
                errors.Add(($"{prefix}.allowedTypes", $"'{type}' is not an image type the gateway recognizes ({string.Join(", ", ImageTypes)})."));
            }

            if (rules.AllowedTypes.Distinct().Count() != rules.AllowedTypes.Count)
            {
                errors.Add(($"{prefix}.allowedTypes", "A type is listed twice."));
            }
        }

        Range(errors, $"{prefix}.maxEncodedBytes", rules.MaxEncodedBytes, 1, MaxEncodedBytesLimit);
        Range(errors, $"{prefix}.maxWidth", rules.MaxWidth, 1, MaxSideLimit);
        Range(errors, $"{prefix}.maxHeight", rules.MaxHeight, 1, MaxSideLimit);
        Range(errors, $"{prefix}.maxPixels", rules.MaxPixels, 1, MaxPixelsLimit);
        Range(errors, $"{prefix}.maxImages", rules.MaxImages, 1, MaxImagesLimit);
        Paths(errors, $"{prefix}.jsonPaths", rules.JsonPaths, MaxJsonPaths);
    }

    public static void Validate(OutputHardeningSnapshot hardening, string prefix, ICollection<(string Field, string Message)> errors)
    {
        if (hardening.TopK is null && hardening.ScoreDecimals is null && hardening.RemoveFields is not { Count: > 0 })
        {
            errors.Add((prefix, "Set at least one of topK, scoreDecimals and removeFields."));
        }

        if (hardening.TopK is { } topK)
        {
            Range(errors, $"{prefix}.topK", topK, 1, MaxTopK);
        }

        if (hardening.ScoreDecimals is { } decimals)
        {
            Range(errors, $"{prefix}.scoreDecimals", decimals, 0, MaxScoreDecimals);
        }

        if (hardening.ScoresPath is null)
        {
            if (hardening.TopK is not null || hardening.ScoreDecimals is not null)
            {
                errors.Add(($"{prefix}.scoresPath", "topK and scoreDecimals need the path of the scores (for example 'scores')."));
            }
        }
        else if (!JsonFieldPath.TryParse(hardening.ScoresPath, out var segments) || segments.Any(s => s.EachElement))
        {
            errors.Add(($"{prefix}.scoresPath", "Give property names joined by dots (for example 'result.scores'), without [*]."));
        }

        if (!JsonFieldPath.TryParse(hardening.ScoreField, out var field) || field.Count != 1 || field[0].EachElement)
        {
            errors.Add(($"{prefix}.scoreField", "Give one property name (letters, digits, '_' or '-')."));
        }

        Paths(errors, $"{prefix}.removeFields", hardening.RemoveFields, MaxRemoveFields);
        Range(errors, $"{prefix}.maxResponseBytes", hardening.MaxResponseBytes, MinResponseBytes, MaxResponseBytesLimit);
    }

    private static void Paths(ICollection<(string, string)> errors, string field, IReadOnlyList<string>? paths, int max)
    {
        if (paths is null)
        {
            return;
        }

        if (paths.Count > max)
        {
            errors.Add((field, $"At most {max} paths."));
        }

        foreach (var path in paths)
        {
            if (!JsonFieldPath.TryParse(path, out _))
            {
                errors.Add((field, $"'{Shorten(path)}' is not a path: property names joined by dots, each optionally followed by [*] (for example 'input.images[*]')."));
            }
        }
    }

    private static void Range(ICollection<(string, string)> errors, string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add((field, $"Must be from {min} to {max}."));
        }
    }

    private static string Shorten(string? value) => value is null ? "null" : value.Length <= 60 ? value : value[..60] + "...";
}
