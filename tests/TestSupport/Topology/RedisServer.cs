using System.Diagnostics;
using System.Net.Sockets;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>
/// A Redis server of its own for one test, on a free port, without persistence, so a test can really stop and start
/// it. The shared Redis at 6379 is never touched.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _logPrefix;
    private ServiceProcess? _process;

    public RedisServer(string logDirectory)
    {
        _logPrefix = Path.Combine(logDirectory, $"redis-{Port}");
    }

    public int Port { get; } = FreePort.Next();

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the server (again, empty: nothing is saved) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        _process = ServiceProcess.Start("redis", "redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            new Dictionary<string, string>(), _logPrefix, Path.GetTempPath());
        var clock = Stopwatch.StartNew();
        while (!await AcceptsConnectionsAsync())
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"the test Redis did not start: {_process.Tail()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops it the hard way (SIGKILL): connected clients see the connection drop.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Forgets every key while the server keeps running (FLUSHALL): a data loss clients do not see as an outage,
    /// unlike a restart. Only ever this test's own server.
    /// </summary>
    public async Task FlushAllAsync()
    {
        if (!await CommandAsync("FLUSHALL\r\n"u8.ToArray()))
        {
            throw new InvalidOperationException("the test Redis did not answer FLUSHALL with +OK");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
    }

    private Task<bool> AcceptsConnectionsAsync() => CommandAsync("PING\r\n"u8.ToArray());

    /// <summary>Sends one inline command; true when the server answers with a simple string (<c>+...</c>).</summary>
    private async Task<bool> CommandAsync(byte[] command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            await using var stream = client.GetStream();
            await stream.WriteAsync(command);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
