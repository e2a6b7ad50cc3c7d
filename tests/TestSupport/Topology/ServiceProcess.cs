using System.Collections.Concurrent;
using System.Diagnostics;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>
/// One OS process of the topology (a control plane, a node, a broker), its stdout and stderr written to files
/// for diagnosis. Every process started here is also killed when the test host exits, so a failed or aborted
/// test leaves nothing running.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ServiceProcess, byte> Running = new();
    private readonly Process _process;
    private readonly StreamWriter _stdout;
    private readonly StreamWriter _stderr;

    static ServiceProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Keys)
            {
                process.Kill();
            }
        };
    }

    private ServiceProcess(string name, Process process, string logPrefix)
    {
        Name = name;
        _process = process;
        StdoutPath = logPrefix + ".stdout.log";
        StderrPath = logPrefix + ".stderr.log";
        _stdout = new StreamWriter(new FileStream(StdoutPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _stderr = new StreamWriter(new FileStream(StderrPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StdoutPath { get; }

    public string StderrPath { get; }

    /// <summary>Starts <paramref name="fileName"/> with exactly the given environment additions; logs go to <paramref name="logPrefix"/>.*.log.</summary>
    public static ServiceProcess Start(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPrefix, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's own settings (a developer's Bus__ or DataPlane__ variables) must not leak into a service.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ControlPlane__", StringComparison.Ordinal)
                     || k.StartsWith("DataPlane__", StringComparison.Ordinal) || k.StartsWith("Bus__", StringComparison.Ordinal)
                     || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPrefix)!);
        var process = new Process { StartInfo = start };
        var service = new ServiceProcess(name, process, logPrefix);
        service._stdout.WriteLine($"--- {DateTimeOffset.UtcNow:O} start {fileName} {string.Join(' ', start.ArgumentList)}");
        process.OutputDataReceived += (_, e) => service.Write(service._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => service.Write(service._stderr, e.Data);
        process.Start();
        Running[service] = 0;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Everything the process wrote to stdout so far (every start of this name appends to the same file).</summary>
    public string Stdout() => ReadShared(StdoutPath);

    public string Stderr() => ReadShared(StderrPath);

    /// <summary>The last lines of both streams, for assertion messages.</summary>
    public string Tail(int lines = 40)
    {
        var all = (Stdout() + "\n" + Stderr()).Split('\n');
        return $"[{Name}, pid {Id}, logs {StdoutPath}]\n" + string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>SIGKILL for the process and its children: no shutdown code runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>SIGTERM (a graceful stop, as an orchestrator does), then SIGKILL if it has not exited in time.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (!_process.HasExited)
        {
            try
            {
                await Shell.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            catch (InvalidOperationException)
            {
                // It exited in the meantime.
            }

            using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Kill();
        await WaitForExitAsync();
    }

    public async Task WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await WaitForExitAsync();
        Running.TryRemove(this, out _);
        lock (_stdout)
        {
            _stdout.Dispose();
        }

        lock (_stderr)
        {
            _stderr.Dispose();
        }

        _process.Dispose();
    }

    private void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
