using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using InferenceGateway.DataPlane.Forwarding;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The signing keys of the tenants' own issuers, fetched from each issuer's JWKS URL through the same connect step
/// as upstreams (<see cref="UpstreamConnector"/>: a name that resolves to a private address the egress allow-list
/// does not admit for the tenant gets no connection). Kept per issuer; an unknown <c>kid</c> refetches at most once
/// per <see cref="DataPlaneOptions.JwksRefetchInterval"/> (30 s), so invented kids cannot make a node hammer an issuer.
/// </summary>
internal sealed partial class JwksCache : IDisposable
{
    private const int MaxJwksBytes = 256 * 1024;
    private readonly ConcurrentDictionary<Guid, IssuerKeySet> _issuers = new();
    private readonly HttpClient _http;
    private readonly TimeSpan _refetch;
    private readonly ILogger<JwksCache> _logger;

    public JwksCache(UpstreamConnector connector, IOptions<DataPlaneOptions> options, ILogger<JwksCache> logger)
    {
        _refetch = options.Value.JwksRefetchInterval;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = connector.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(5),
            MaxResponseContentBufferSize = MaxJwksBytes,
        };
    }

    /// <summary>The issuer's key <paramref name="kid"/>, fetching the JWKS when the key is unknown and the last fetch is old enough.</summary>
    public async ValueTask<SecurityKey?> FindAsync(ExternalIssuerEntry issuer, string tenantSlug, string kid, CancellationToken cancellationToken)
    {
        // Keyed by issuer id; a changed JWKS URL starts a fresh set. A removed issuer's set is small and stays until restart.
        var set = _issuers.AddOrUpdate(issuer.Id,
            static (_, url) => new IssuerKeySet(url),
            static (_, existing, url) => existing.Url == url ? existing : new IssuerKeySet(url),
            issuer.JwksUrl);
        if (set.Keys.TryGetValue(kid, out var key))
        {
            return key;
        }

        await set.Gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched while this one waited.
            if (set.Keys.TryGetValue(kid, out key))
            {
                return key;
            }

            if (set.LastFetch != 0 && Stopwatch.GetElapsedTime(set.LastFetch) < _refetch)
            {
                return null;
            }

            set.LastFetch = Stopwatch.GetTimestamp();
            set.Keys = await FetchAsync(issuer, tenantSlug, cancellationToken) ?? set.Keys;
            return set.Keys.TryGetValue(kid, out key) ? key : null;
        }
        finally
        {
            set.Gate.Release();
        }
    }

    private async Task<FrozenDictionary<string, SecurityKey>?> FetchAsync(ExternalIssuerEntry issuer, string tenantSlug, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, issuer.JwksUrl);
            // The connect step reads the tenant from this header: egress entries that name tenants apply to the JWKS too.
            request.Headers.TryAddWithoutValidation(UpstreamTransformer.TenantHeader, tenantSlug);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await _http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogFetchFailed(_logger, issuer.Id, $"status {(int)response.StatusCode}");
                return null;
            }

            var json = await response.Content.ReadAsStringAsync(cancellationToken);
            var keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
            foreach (var key in new JsonWebKeySet(json).Keys)
            {
                // Public signature keys only: never a symmetric key, never one marked for encryption.
                if (key.Kid is { Length: > 0 and <= TokenIssuers.MaxKeyIdLength } kid && key.Kty is "RSA" or "EC" && key.Use is null or "sig" && !key.HasPrivateKey)
                {
                    keys.TryAdd(kid, key);
                }
            }

            LogFetched(_logger, issuer.Id, keys.Count);
            return keys.ToFrozenDictionary(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or UpstreamAddressRefusedException or System.Text.Json.JsonException)
        {
            LogFetchFailed(_logger, issuer.Id, e is HttpRequestException { InnerException: UpstreamAddressRefusedException refused } ? refused.Message : e.GetType().Name);
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed class IssuerKeySet(Uri url)
    {
        public Uri Url { get; } = url;

        public FrozenDictionary<string, SecurityKey> Keys { get; set; } = FrozenDictionary<string, SecurityKey>.Empty;

        /// <summary>When the JWKS was last fetched (a Stopwatch timestamp; 0: never).</summary>
        public long LastFetch { get; set; }

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Fetched the JWKS of external issuer {IssuerId}: {Count} signing keys")]
    private static partial void LogFetched(ILogger logger, Guid issuerId, int count);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Could not fetch the JWKS of external issuer {IssuerId} ({Reason}); its tokens signed by unknown keys are refused")]
    private static partial void LogFetchFailed(ILogger logger, Guid issuerId, string reason);
}
