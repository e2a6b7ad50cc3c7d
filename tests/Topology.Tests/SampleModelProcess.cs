using System.Reflection;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests;

/// <summary>samples/SampleModel as its own process on a free port (its build, run with <c>dotnet</c>), answering OpenAI-style with its own token counts.</summary>
internal sealed class SampleModelProcess : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private SampleModelProcess(ServiceProcess process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    /// <summary>The endpoint base URL the gateway forwards to.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    public static async Task<SampleModelProcess> StartAsync(string logDirectory)
    {
        var assembly = typeof(SampleModelProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SampleModelAssembly").Value!;
        var port = FreePort.Next();
        var process = ServiceProcess.Start(
            "sample-model", "dotnet", [Path.GetFullPath(assembly), "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string> { ["SampleModel__StreamChunkDelayMilliseconds"] = "0", ["Logging__LogLevel__Default"] = "Warning" },
            Path.Combine(logDirectory, "sample-model"), Path.GetDirectoryName(Path.GetFullPath(assembly)));
        var model = new SampleModelProcess(process, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the sample model exited: {process.Tail()}");
            }

            try
            {
                return (await http.GetAsync($"http://127.0.0.1:{port}/v1/models")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the sample model to answer", TimeSpan.FromSeconds(120), () => process.Tail());
        return model;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
