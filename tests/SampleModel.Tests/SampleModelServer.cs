using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.SampleModel.Tests;

/// <summary>
/// Runs the sample model the way the Standalone host does: <see cref="SampleModelHost.Create"/> on a real Kestrel port,
/// so the tests see real HTTP, including how server-sent events are flushed.
/// </summary>
public sealed class SampleModelServer : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public static WebApplication Create(Action<WebApplicationBuilder>? configure = null)
    {
        return SampleModelHost.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
    }

    public static HttpClient CreateClient(WebApplication app)
    {
        // Port 0 asks the OS for a free port; Kestrel reports the one it bound once started.
        return new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public async Task InitializeAsync()
    {
        _app = Create();
        await _app.StartAsync();
        Client = CreateClient(_app);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SampleModelServerCollection : ICollectionFixture<SampleModelServer>
{
    public const string Name = "Sample model server";
}