using System.Runtime.InteropServices;
using System.Text.Json;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Metering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Tests.Metering;

public sealed class AccessLogFileWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"igw-accesslog-{Guid.NewGuid():N}");

    private string LogPath => Path.Combine(_directory, "access.log");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task RotationBySize_WhileTrafficFlows_KeepsEveryLineOnce_AndNoFileOverTheLimit()
    {
        var (log, writer) = Start(new AccessLogOptions { Path = LogPath, MaxFileBytes = 8192, FilesKept = 1000, BufferSize = 100_000 });

        var written = await TrafficAsync(log, threads: 4, perThread: 2000);
        await WaitForFileAsync();
        await writer.StopAsync(CancellationToken.None);
        Assert.True(writer.ExecuteTask!.IsCompletedSuccessfully, writer.ExecuteTask.Exception?.ToString());

        var files = Directory.GetFiles(_directory);
        Assert.True(files.Length > 10, $"only {files.Length} files");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 8192, $"{f} has {new FileInfo(f).Length} bytes"));
        AssertEveryLineOnce(written, files);
        Assert.Equal(0, log.Dropped);
    }

    [Fact]
    public async Task RotationBySize_KeepsOnlyTheConfiguredNumberOfFiles()
    {
        var (log, writer) = Start(new AccessLogOptions { Path = LogPath, MaxFileBytes = 4096, FilesKept = 3, BufferSize = 100_000 });

        await TrafficAsync(log, threads: 1, perThread: 2000);
        await WaitForFileAsync();
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(["access.log", "access.log.1", "access.log.2", "access.log.3"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sighup_AfterLogrotateMovedTheFile_ReopensIt_AndKeepsEveryLineOnce()
    {
        var (log, writer) = Start(new AccessLogOptions { Path = LogPath, BufferSize = 100_000 });
        var moved = new List<string>();
        var stop = 0;
        var ids = Enumerable.Range(0, 4).Select(_ => new List<string>()).ToArray();
        var traffic = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref stop) == 0; i++)
            {
                var id = $"r{t}-{i}";
                ids[t].Add(id);
                log.Enqueue(new AccessLogEntry(DateTime.UtcNow, id, "acme", "chat", "k1", "POST", 200, 1.5, 2.25, 7));
                if (i % 20 == 0)
                {
                    await Task.Delay(1);
                }
            }
        })).ToList();

        // What logrotate does, five times while the traffic flows: rename the file, then signal the process.
        for (var r = 0; r < 5; r++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(LogPath) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            var target = $"{LogPath}.rotated-{r}";
            File.Move(LogPath, target);
            moved.Add(target);
            var signal = new PosixSignalContext(PosixSignal.SIGHUP);
            writer.OnHangup(signal);
            Assert.True(signal.Cancel); // the process keeps running
        }

        Interlocked.Exchange(ref stop, 1);
        await Task.WhenAll(traffic);
        await writer.StopAsync(CancellationToken.None);
        var written = ids.SelectMany(i => i).ToHashSet();

        Assert.All(moved, f => Assert.True(new FileInfo(f).Length > 0, $"{f} is empty"));
        AssertEveryLineOnce(written, Directory.GetFiles(_directory));
        Assert.Equal(0, log.Dropped);
    }

    [Fact]
    public async Task AnUnwritableLog_DropsAndCountsEntries_WithoutBlockingTheCaller()
    {
        Directory.CreateDirectory(_directory);
        var blocker = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var (log, writer) = Start(new AccessLogOptions { Path = Path.Combine(blocker, "access.log"), BufferSize = 100_000 });

        await TrafficAsync(log, threads: 1, perThread: 100);
        await Task.Delay(600);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(100, log.Dropped);
    }

    /// <summary>The writer runs on its own thread: let it start before it is stopped.</summary>
    private async Task WaitForFileAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(LogPath) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    private static (AccessLog Log, AccessLogFileWriter Writer) Start(AccessLogOptions accessLog)
    {
        var options = Options.Create(new DataPlaneOptions { AccessLog = accessLog });
        var log = new AccessLog(NullLoggerFactory.Instance, options);
        var writer = new AccessLogFileWriter(log, options, TimeProvider.System, NullLogger<AccessLogFileWriter>.Instance);
        writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (log, writer);
    }

    private static async Task<HashSet<string>> TrafficAsync(AccessLog log, int threads, int perThread, int pauseEvery = 0)
    {
        var ids = Enumerable.Range(0, threads).Select(_ => new List<string>()).ToArray();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var id = $"r{t}-{i}";
                ids[t].Add(id);
                log.Enqueue(new AccessLogEntry(DateTime.UtcNow, id, "acme", "chat", "k1", "POST", 200, 1.5, 2.25, 7));
                if (pauseEvery > 0 && i % pauseEvery == 0)
                {
                    await Task.Delay(50);
                }
            }
        })));
        return ids.SelectMany(i => i).ToHashSet();
    }

    private static void AssertEveryLineOnce(HashSet<string> written, IEnumerable<string> files)
    {
        var seen = new List<string>();
        foreach (var file in files)
        {
            foreach (var line in File.ReadAllLines(file))
            {
                using var json = JsonDocument.Parse(line);
                seen.Add(json.RootElement.GetProperty("requestId").GetString()!);
            }
        }

        Assert.Equal(written.Count, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(written.SetEquals(seen));
    }
}
