using InferenceGateway.Contracts.Rules;

namespace InferenceGateway.DataPlane.Routing;

internal enum PathMatch
{
    /// <summary>A well-formed <c>/t/{tenant}/{model}/...</c> target.</summary>
    Matched,

    /// <summary>Not a gateway path (or tenant and model segments that cannot be names): 404.</summary>
    NotGateway,

    /// <summary>A gateway path with a trick in it (encoded separators, dot segments, NUL...): 400.</summary>
    Invalid,
}

/// <summary>
/// Reads tenant and model from the request target exactly as the client sent it. Tenant and model must be
/// plain names (no percent-encoding can hide in them: '%' is not a name character), so the values used to
/// route are the values used to authorize. The rest of the path is forwarded as sent, after refusing what
/// could change its meaning on the way (encoded slashes, backslashes, encoded dots, dot segments, NUL).
/// </summary>
internal static class GatewayPath
{
    public static PathMatch Parse(string rawTarget, out Range tenant, out Range model, out Range rest, out Range query)
    {
        tenant = model = rest = query = default;
        var start = 0;
        if (rawTarget.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || rawTarget.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Absolute form: the path starts after the authority.
            var authority = rawTarget.IndexOf("//", StringComparison.Ordinal) + 2;
            start = rawTarget.IndexOf('/', authority);
            if (start < 0)
            {
                return PathMatch.NotGateway;
            }
        }

        var end = rawTarget.IndexOf('?', start);
        if (end < 0)
        {
            end = rawTarget.Length;
        }

        if (rawTarget.IndexOf('#', start) >= 0)
        {
            return PathMatch.Invalid;
        }

        var path = rawTarget.AsSpan(start, end - start);
        if (!path.StartsWith("/t/"))
        {
            return PathMatch.NotGateway;
        }

        var tenantEnd = path[3..].IndexOf('/');
        if (tenantEnd < 0)
        {
            return PathMatch.NotGateway;
        }

        tenantEnd += 3;
        var modelStart = tenantEnd + 1;
        var modelEnd = path[modelStart..].IndexOf('/');
        modelEnd = modelEnd < 0 ? path.Length : modelEnd + modelStart;
        if (!IsTenantSlug(path[3..tenantEnd]) || !IsModelSlug(path[modelStart..modelEnd]))
        {
            return PathMatch.NotGateway;
        }

        if (!IsSafeRest(path[modelEnd..]))
        {
            return PathMatch.Invalid;
        }

        tenant = new Range(start + 3, start + tenantEnd);
        model = new Range(start + modelStart, start + modelEnd);
        rest = new Range(start + modelEnd, end);
        query = new Range(end, rawTarget.Length);
        return PathMatch.Matched;
    }

    public static bool IsTenantSlug(ReadOnlySpan<char> value) => ConfigRules.IsTenantSlug(value);

    public static bool IsModelSlug(ReadOnlySpan<char> value) => ConfigRules.IsModelSlug(value);

    private static bool IsSafeRest(ReadOnlySpan<char> rest)
    {
        if (rest.Contains('\\') || rest.Contains('\0'))
        {
            return false;
        }

        // Encoded '/', '\', '.', '%' and NUL would be decoded differently by different servers.
        for (var i = rest.IndexOf('%'); i >= 0; i = NextPercent(rest, i))
        {
            if (i + 2 >= rest.Length || !char.IsAsciiHexDigit(rest[i + 1]) || !char.IsAsciiHexDigit(rest[i + 2]))
            {
                return false;
            }

            var encoded = rest.Slice(i + 1, 2);
            if (encoded.Equals("2f", StringComparison.OrdinalIgnoreCase) || encoded.Equals("5c", StringComparison.OrdinalIgnoreCase)
                || encoded.Equals("2e", StringComparison.OrdinalIgnoreCase) || encoded.Equals("25", StringComparison.OrdinalIgnoreCase)
                || encoded.Equals("00", StringComparison.Ordinal))
            {
                return false;
            }
        }

        // Dot segments.
        foreach (var range in rest.Split('/'))
        {
            var segment = rest[range];
            if (segment is "." or ".." || segment.StartsWith(".;") || segment.StartsWith("..;"))
            {
                return false;
            }
        }

        return true;
    }

    private static int NextPercent(ReadOnlySpan<char> rest, int current)
    {
        var next = rest[(current + 1)..].IndexOf('%');
        return next < 0 ? -1 : next + current + 1;
    }
}
