using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.TestSupport;

/// <summary>One request as an upstream received it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Everything the upstream saw, as one string, to search for leaked secrets.</summary>
    public string Everything => $"{Method} {PathAndQuery}\n{string.Join("\n", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n\n{Body}";
}

/// <summary>
/// A real HTTP server on a loopback port that records every request and answers as the test says: the model
/// endpoint behind the gateway in end-to-end tests.
/// </summary>
public sealed class RecordingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingUpstream(WebApplication app) => _app = app;

    public string Name { get; private set; } = string.Empty;

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>False: answer every request with <c>{}</c> at once and record nothing (load in measurements).</summary>
    public bool KeepRequests { get; set; } = true;

    /// <summary>Status, headers and body of the next answers (default 200 with a small JSON body naming this upstream).</summary>
    public Func<HttpContext, Task>? Respond { get; set; }

    public static async Task<RecordingUpstream> StartAsync(string name, string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Parse(address), 0));
        var app = builder.Build();
        var upstream = new RecordingUpstream(app) { Name = name };
        app.Run(async context =>
        {
            if (!upstream.KeepRequests)
            {
                // A measurement's load: answer at once, keep nothing.
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{}");
                return;
            }

            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            upstream._requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
            if (upstream.Respond is { } respond)
            {
                await respond(context);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"upstream\":\"{name}\",\"path\":\"{context.Request.Path}\"}}");
        });
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseAddress = new Uri(bound);
        return upstream;
    }

    public void Clear() => _requests.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
