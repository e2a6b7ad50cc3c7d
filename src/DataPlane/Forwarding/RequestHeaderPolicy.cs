using System.Collections.Frozen;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.Security.Keys;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// Which client request headers never reach a model endpoint: client credentials and cookies, self-made
/// forwarding headers, hop-by-hop headers (the fixed set and every header the client names in
/// <c>Connection</c>), identity headers a client could forge (configurable, <c>*</c> as a trailing wildcard),
/// and any header carrying one of our API keys. What the gateway itself vouches for goes in <c>X-Igw-*</c>.
/// </summary>
internal sealed class RequestHeaderPolicy
{
    /// <summary>Identity headers removed when <c>DataPlane:Forwarding:ClientIdentityHeaders</c> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultIdentityHeaders = ["X-Tenant-Id", "X-User-Id", "X-Consumer-*", "X-Authenticated-*", "X-Igw-*"];

    private static readonly string[] Fixed =
    [
        "Authorization", "X-API-Key", "Cookie", "Forwarded", "X-Real-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host",
        "X-Original-Method", "X-HTTP-Method-Override", "Proxy-Authorization", "X-Request-Id", "X-Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "X-Cluster-Client-IP", "Client-IP",

        // Hop-by-hop (RFC 9110 7.6.1), whatever the server or forwarder does with them already.
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade",
    ];

    /// <summary>Framing headers a client cannot make the gateway drop by naming them in <c>Connection</c>.</summary>
    private static readonly FrozenSet<string> Framing = new[] { "Content-Length", "Transfer-Encoding", "Host" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenSet<string> _exact;
    private readonly string[] _prefixes;

    public RequestHeaderPolicy(IOptions<DataPlaneOptions> options)
        : this(options.Value.Forwarding.ClientIdentityHeaders)
    {
    }

    public RequestHeaderPolicy(IEnumerable<string>? identityHeaders)
    {
        var patterns = (identityHeaders ?? DefaultIdentityHeaders).Select(h => h.Trim()).Where(h => h.Length > 0).ToList();
        _exact = Fixed.Concat(patterns.Where(p => !p.EndsWith('*'))).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _prefixes = ["X-Forwarded-", "X-Igw-", .. patterns.Where(p => p.EndsWith('*')).Select(p => p.TrimEnd('*'))];
    }

    /// <summary>Removes every header that must not reach the endpoint from <paramref name="headers"/>.</summary>
    public void RemoveFrom(IHeaderDictionary headers)
    {
        var dropped = Find(headers);
        for (var i = 0; i < dropped.Count; i++)
        {
            headers.Remove(dropped[i]);
        }
    }

    /// <summary>
    /// Removes from the upstream request every header of the client's that must not reach the endpoint, after the
    /// forwarder copied them all. The client's own header collection stays as it arrived: Kestrel keeps a header's
    /// string for the next request on the connection only when it is still there at the end of this one, so a
    /// credential removed from it (a 600-character token) would be a new string on every request.
    /// </summary>
    public void RemoveFrom(IHeaderDictionary source, HttpRequestMessage target)
    {
        var dropped = Find(source);
        for (var i = 0; i < dropped.Count; i++)
        {
            // Looked up first: Remove throws for a name its collection does not take. The forwarder puts content
            // headers (a client can name one in Connection) on the content.
            var name = dropped[i];
            if (target.Headers.NonValidated.Contains(name))
            {
                target.Headers.Remove(name);
            }
            else if (target.Content is { } content && content.Headers.NonValidated.Contains(name))
            {
                content.Headers.Remove(name);
            }
        }
    }

    private DroppedNames Find(IHeaderDictionary headers)
    {
        var dropped = default(DroppedNames);
        var connection = headers.Connection;
        foreach (var (name, values) in headers)
        {
            if (IsDropped(name) || CarriesKey(values) || (connection.Count > 0 && NamedIn(connection, name)))
            {
                dropped.Add(name);
            }
        }

        return dropped;
    }

    /// <summary>Every request drops at least the client's credential: the first few names go on the stack, not in a list.</summary>
    private struct DroppedNames
    {
        private Inline _first;
        private List<string>? _more;

        public int Count { get; private set; }

        public readonly string this[int index] => index < Inline.Length ? _first[index] : _more![index - Inline.Length];

        public void Add(string name)
        {
            if (Count < Inline.Length)
            {
                _first[Count] = name;
            }
            else
            {
                (_more ??= []).Add(name);
            }

            Count++;
        }

        [System.Runtime.CompilerServices.InlineArray(Length)]
        private struct Inline
        {
            public const int Length = 8;
            private string _name;
        }
    }

    public bool IsDropped(string name)
    {
        if (_exact.Contains(name))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="name"/> is one of the comma-separated tokens of the <c>Connection</c> header.</summary>
    private static bool NamedIn(StringValues connection, string name)
    {
        if (Framing.Contains(name))
        {
            return false;
        }

        foreach (var value in connection)
        {
            var text = (value ?? string.Empty).AsSpan();
            foreach (var token in text.Split(','))
            {
                if (text[token].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool CarriesKey(StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && value.Contains(ApiKeyText.Prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
