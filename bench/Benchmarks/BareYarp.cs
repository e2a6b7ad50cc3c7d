using Yarp.ReverseProxy.Configuration;

namespace InferenceGateway.Benchmarks;

/// <summary>
/// YARP as its documentation sets it up: AddReverseProxy().LoadFromMemory with one catch-all route and one cluster,
/// MapReverseProxy, default transforms (X-Forwarded-*), default HttpClient, default GC and thread pool. Only logging
/// is set from the environment (bench/run.sh uses Warning, as for the data-plane node), so no per-request log lines.
/// </summary>
internal static class BareYarp
{
    public static async Task RunAsync(int port, string upstream)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = upstream } } }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.RunAsync();
    }
}
