using System.Net;
using System.Text;

namespace InferenceGateway.Benchmarks;

/// <summary>The shared upstream: bare Kestrel answering every request with the same small JSON body.</summary>
internal static class Upstream
{
    /// <summary>About 100 bytes, like a short non-streamed model answer.</summary>
    public static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"id":"bench-1","object":"echo","model":"echo","choices":[{"index":0,"text":"ok"}],"usage":{"total":1}}""");

    public static async Task RunAsync(int port) => await Build(port).RunAsync();

    public static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        return app;
    }
}
