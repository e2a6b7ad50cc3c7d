using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;

namespace InferenceGateway.Standalone.Tests;

/// <summary>The standalone product started as its own process on free ports, in a data folder of its own.</summary>
public sealed class StandaloneProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public StandaloneProcess(string? dataDirectory = null)
    {
        WorkingDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), $"igw-standalone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(WorkingDirectory);
    }

    public string WorkingDirectory { get; }

    public string DataDirectory => Path.Combine(WorkingDirectory, "data");

    public int ControlPlanePort { get; } = FreePort.Next();

    public int GatewayPort { get; } = FreePort.Next();

    public int SampleModelPort { get; } = FreePort.Next();

    public int PortalPort { get; } = FreePort.Next();

    public string Output => string.Join("\n", _output);

    public JsonObject Facts => JsonNode.Parse(File.ReadAllText(Path.Combine(DataDirectory, "standalone.json")))!.AsObject();

    public static string AssemblyPath => typeof(StandaloneProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "StandaloneAssembly").Value!;

    public async Task StartAsync()
    {
        _output.Clear();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.ArgumentList.Add($"--Standalone:ControlPlanePort={ControlPlanePort}");
        start.ArgumentList.Add($"--Standalone:GatewayPort={GatewayPort}");
        start.ArgumentList.Add($"--Standalone:SampleModelPort={SampleModelPort}");
        start.ArgumentList.Add($"--Standalone:PortalPort={PortalPort}");
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => _output.Enqueue(e.Data ?? string.Empty);
        _process.ErrorDataReceived += (_, e) => _output.Enqueue(e.Data ?? string.Empty);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"the standalone process exited: {Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the standalone process did not become ready: {Output}");
            if (File.Exists(Path.Combine(DataDirectory, "standalone.json")) && Output.Contains("Inference gateway, standalone", StringComparison.Ordinal))
            {
                try
                {
                    var ready = await http.GetAsync($"http://127.0.0.1:{GatewayPort}/readyz");
                    if (ready.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
            }

            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
