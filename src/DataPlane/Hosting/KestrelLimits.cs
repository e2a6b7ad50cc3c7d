using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Hosting;

/// <summary>
/// Kestrel's limits for a node, set explicitly from <c>DataPlane:Limits</c> rather than left to framework
/// defaults: the number of connections, header and request-line sizes, and the slowest client the node waits for.
/// </summary>
internal sealed class KestrelLimits(IOptions<DataPlaneOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var limits = options.Value.Limits;
        var k = kestrel.Limits;
        k.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        k.MaxConcurrentUpgradedConnections = 0;
        k.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
        k.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        k.MaxRequestLineSize = limits.MaxRequestLineSize;
        k.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        k.KeepAliveTimeout = limits.KeepAliveTimeout;
        k.MinRequestBodyDataRate = limits.MinRequestBodyBytesPerSecond > 0 ? new MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinDataRateGracePeriod) : null;
        k.MinResponseDataRate = limits.MinResponseBytesPerSecond > 0 ? new MinDataRate(limits.MinResponseBytesPerSecond, limits.MinDataRateGracePeriod) : null;
        k.Http2.MaxRequestHeaderFieldSize = Math.Min(limits.MaxRequestHeadersTotalSize, k.Http2.MaxRequestHeaderFieldSize);
        k.Http2.MaxStreamsPerConnection = 100;
        kestrel.AddServerHeader = false;
    }
}
