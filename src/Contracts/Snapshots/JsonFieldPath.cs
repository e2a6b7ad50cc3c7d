namespace InferenceGateway.Contracts.Snapshots;

/// <summary>One step of a <see cref="JsonFieldPath"/>: a property name, then every element of an array when <see cref="EachElement"/>.</summary>
public sealed record JsonPathSegment(string Name, bool EachElement);

/// <summary>
/// The small path language the endpoint rules use for JSON fields: property names joined by dots, each optionally
/// followed by <c>[*]</c> for every element of an array (<c>image</c>, <c>input.images[*]</c>, <c>data[*].embedding</c>).
/// Names are letters, digits, '_' and '-'. Nothing else (no filters, no indices), so a path cannot be slow to evaluate.
/// </summary>
public static class JsonFieldPath
{
    public const int MaxLength = 200;
    public const int MaxSegments = 8;

    public static bool TryParse(string? path, out IReadOnlyList<JsonPathSegment> segments)
    {
        segments = [];
        if (string.IsNullOrEmpty(path) || path.Length > MaxLength)
        {
            return false;
        }

        var parsed = new List<JsonPathSegment>();
        foreach (var part in path.Split('.'))
        {
            var each = part.EndsWith("[*]", StringComparison.Ordinal);
            var name = each ? part[..^3] : part;
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }

            parsed.Add(new JsonPathSegment(name, each));
        }

        if (parsed.Count > MaxSegments)
        {
            return false;
        }

        segments = parsed;
        return true;
    }
}
