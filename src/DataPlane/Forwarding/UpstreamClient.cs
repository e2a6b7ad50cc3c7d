using System.Net;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// The one HTTP client every upstream request goes through: no proxy, no redirects, no cookies, no automatic
/// decompression, no trace-header propagation (each costs time on the hot path or changes what the upstream
/// sees), and connections made only through <see cref="UpstreamConnector"/>.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    public UpstreamClient(UpstreamConnector connector)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Re-resolve names now and then, so a changed DNS record is seen (and checked) again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = connector.ConnectAsync,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
