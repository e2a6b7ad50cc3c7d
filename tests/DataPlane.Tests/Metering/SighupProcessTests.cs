using System.Diagnostics;
using System.Security.Cryptography;
using InferenceGateway.TestSupport;

namespace InferenceGateway.DataPlane.Tests.Metering;

/// <summary>
/// The SIGHUP registration itself, in a node of its own (a child process): a signal to the test process would
/// end the test run. The node must survive the signal and write to a new file where logrotate moved the old one.
/// </summary>
public sealed class SighupProcessTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"igw-sighup-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ANodeSentSighup_KeepsRunning_AndReopensItsAccessLog()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var port = FreePort.Next();
        var log = Path.Combine(_directory, "access.log");
        // Through `env --default-signal=HUP`: a test run started under nohup hands its children SIGHUP ignored, and the
        // runtime keeps an ignore it inherited (as nohup intends), so the node would never see the signal.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--default-signal=HUP");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "InferenceGateway.DataPlane.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DataPlane__NodeId"] = "sighup-test";
        start.Environment["DataPlane__ControlPlaneUrl"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["DataPlane__NodeToken"] = "sighup-node-token-0123456789abcdefghijklmn";
        start.Environment["DataPlane__SnapshotKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        start.Environment["DataPlane__StateDirectory"] = Path.Combine(_directory, "state");
        start.Environment["DataPlane__AccessLog__Path"] = log;
        start.Environment["Bus__Transport"] = "InMemory";
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var node = new Process { StartInfo = start };
        node.OutputDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        node.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitAsync(async () => { try { await http.GetAsync("/healthz"); return true; } catch (HttpRequestException) { return false; } });

            await http.GetAsync("/t/acme/chat/first");
            await WaitAsync(() => Task.FromResult(File.Exists(log) && LineCount(log) == 1));
            File.Move(log, log + ".1");
            Signal(node.Id, "HUP");

            // The runtime hands the signal to its handler on another thread, so requests sent right after `kill`
            // may still land in the moved file (as with nginx and logrotate). Keep the traffic flowing until the
            // node writes to a new file at the path, then check that no line was lost or written twice.
            var sent = 1;
            await WaitAsync(
                async () =>
                {
                    await http.GetAsync($"/t/acme/chat/after-{sent++}");
                    await Task.Delay(100);
                    return File.Exists(log);
                },
                () => $"no new file at the path after {sent - 1} requests; the node wrote:\n{string.Join('\n', output)}");
            await WaitAsync(() => Task.FromResult(LineCount(log + ".1") + LineCount(log) == sent));

            Assert.False(node.HasExited);
            Assert.InRange(LineCount(log), 1, sent - 1);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }

            await node.WaitForExitAsync();
        }
    }

    private static int LineCount(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, Func<string>? explain = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), explain is null ? "timed out" : $"timed out: {explain()}");
            await Task.Delay(50);
        }
    }
}
