using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace InferenceGateway.Benchmarks.Prototypes;

/// <summary>
/// Phase-1 prototypes (bench only): YARP's <see cref="IHttpForwarder"/> on a catch-all endpoint, with either a
/// tuned <see cref="SocketsHttpHandler"/> (the node's forwarding machinery without its policy chain) or
/// <see cref="LeanHttp1Handler"/>.
/// </summary>
internal static class ForwarderVariants
{
    public static async Task RunAsync(int port, string upstream, bool lean)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var uri = new Uri(upstream);
        HttpMessageHandler handler = lean
            ? new LeanHttp1Handler(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port))
            : new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                ActivityHeadersPropagator = null,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            };
        var invoker = new HttpMessageInvoker(handler);
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100), Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Run(async context => await forwarder.SendAsync(context, upstream, invoker, config, HttpTransformer.Default));
        await app.RunAsync();
    }
}
