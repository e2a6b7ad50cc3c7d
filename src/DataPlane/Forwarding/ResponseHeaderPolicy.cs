using System.Collections.Frozen;
using System.Net.Http.Headers;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// What of the upstream's response headers and trailers reaches the client: no banners or cookies, no
/// authentication challenge (the gateway does its own), and no location that names the upstream's host.
/// </summary>
internal static class ResponseHeaderPolicy
{
    public static readonly string[] Dropped =
    [
        "Server", "X-Powered-By", "Set-Cookie", "X-AspNet-Version", "X-AspNetMvc-Version", "X-Runtime", "X-Backend-Server", "Via", "X-Upstream",
        "Content-Location", "Alt-Svc", "WWW-Authenticate", "Proxy-Authenticate", "Authentication-Info", "Proxy-Authentication-Info",
    ];

    private static readonly FrozenSet<string> DroppedNames = Dropped.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Removes the dropped headers and rewrites (or removes) <c>Location</c>.</summary>
    public static void Apply(IHeaderDictionary headers, RouteEntry route)
    {
        foreach (var header in Dropped)
        {
            headers.Remove(header);
        }

        ApplyToLocation(headers, route);
    }

    /// <summary>
    /// The same rules for a response copied from <paramref name="upstream"/>, which is where every dropped header
    /// comes from: only the names the upstream sent (a handful) are looked up, instead of fifteen removals from the
    /// client's header collection per request (measured: 0.85% of a node's CPU samples).
    /// </summary>
    public static void Apply(IHeaderDictionary headers, RouteEntry route, HttpResponseMessage upstream)
    {
        RemoveDropped(headers, upstream.Headers.NonValidated);
        if (upstream.Content is { } content)
        {
            RemoveDropped(headers, content.Headers.NonValidated);
        }

        ApplyToLocation(headers, route);
    }

    private static void RemoveDropped(IHeaderDictionary headers, HttpHeadersNonValidated sent)
    {
        foreach (var (name, _) in sent)
        {
            if (DroppedNames.Contains(name))
            {
                headers.Remove(name);
            }
        }
    }

    private static void ApplyToLocation(IHeaderDictionary headers, RouteEntry route)
    {
        if (headers.Location.Count > 0)
        {
            if (headers.Location.Count == 1 && RewriteLocation(headers.Location.ToString(), route) is { } rewritten)
            {
                headers.Location = rewritten;
            }
            else
            {
                headers.Remove("Location");
            }
        }
    }

    /// <summary>Trailers follow the header rules; a location in a trailer has no use, so it goes too.</summary>
    public static void ApplyToTrailers(IHeaderDictionary trailers)
    {
        foreach (var header in Dropped)
        {
            trailers.Remove(header);
        }

        trailers.Remove("Location");
    }

    /// <summary>
    /// The location as the client should see it: a location under the endpoint's base URL becomes the same
    /// place under the gateway path; a relative reference stays; anything else (another host, a path outside
    /// the base) is null, to be removed.
    /// </summary>
    public static string? RewriteLocation(string location, RouteEntry route)
    {
        location = location.Trim();
        if (location.Length == 0 || location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith('\\') || location.Contains('\\'))
        {
            return null;
        }

        var basePath = route.BaseUri.AbsolutePath.TrimEnd('/');
        string pathAndQuery;
        if (location.StartsWith('/'))
        {
            pathAndQuery = location;
        }
        else if (location.Contains(':') && Uri.TryCreate(location, UriKind.Absolute, out var absolute))
        {
            var upstream = route.BaseUri;
            if (!string.Equals(absolute.Scheme, upstream.Scheme, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(absolute.IdnHost, upstream.IdnHost, StringComparison.OrdinalIgnoreCase)
                || absolute.Port != upstream.Port || absolute.UserInfo.Length > 0)
            {
                return null;
            }

            pathAndQuery = absolute.PathAndQuery + absolute.Fragment;
        }
        else if (location.IndexOfAny([':', '?', '#', '/']) is var first && (first < 0 || location[first] != ':'))
        {
            return location; // a relative reference resolves against the gateway path the client used
        }
        else
        {
            return null;
        }

        var path = pathAndQuery.AsSpan();
        var end = path.IndexOfAny('?', '#');
        var pathOnly = end < 0 ? path : path[..end];
        if (basePath.Length > 0 && !(pathOnly.Equals(basePath, StringComparison.Ordinal) || pathOnly.StartsWith(basePath + "/", StringComparison.Ordinal)))
        {
            return null;
        }

        return string.Concat(route.GatewayPrefix, pathAndQuery.AsSpan(basePath.Length));
    }
}
