using System.Diagnostics;
using System.Net.Sockets;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>
/// A RabbitMQ node of its own for one test (its own AMQP and distribution ports, node name, data and log
/// directories), so a test can really stop and start a broker while parallel tests keep the shared one. It
/// shares epmd and the Erlang cookie with the system node, so it runs as the rabbitmq user and every
/// rabbitmqctl call names this node explicitly. Its users are created by scripts/broker-users.sh, the same
/// script the deployment uses: the role users' permissions are what the services run with here.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string RabbitHome = "/var/lib/rabbitmq";
    private const string Sbin = "/usr/lib/rabbitmq/bin";
    private readonly string _root;
    private readonly string _logPrefix;
    private ServiceProcess? _process;

    public RabbitMqServer(string logDirectory, string entityPrefix)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        NodeName = $"igwtest{id}@localhost";
        EntityPrefix = entityPrefix;
        _root = Path.Combine(Path.GetTempPath(), $"igw-rabbit-{id}");
        _logPrefix = Path.Combine(logDirectory, "rabbitmq");
    }

    public string NodeName { get; }

    public int Port { get; } = FreePort.Next();

    public int DistributionPort { get; } = FreePort.Next();

    public string EntityPrefix { get; }

    public string ControlPlaneUser => "igw-control-plane";

    public string ControlPlanePassword { get; } = $"cp-{Guid.NewGuid():N}";

    public string NodeUser => "igw-node";

    public string NodePassword { get; } = $"node-{Guid.NewGuid():N}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the node (the first time: creates its directories and users) and waits until it accepts AMQP connections.</summary>
    public async Task StartAsync(string repositoryRoot)
    {
        var first = !Directory.Exists(_root);
        if (first)
        {
            Directory.CreateDirectory(Path.Combine(_root, "mnesia"));
            Directory.CreateDirectory(Path.Combine(_root, "log"));
            await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), $"listeners.tcp.default = 127.0.0.1:{Port}\nloopback_users = none\n");
            await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n");
            await Shell.RunAsync("chown", ["-R", "rabbitmq:rabbitmq", _root]);
        }

        _process = ServiceProcess.Start("rabbitmq", "runuser", ["-u", "rabbitmq", "--", "env", .. NodeEnvironment(), $"{Sbin}/rabbitmq-server"],
            new Dictionary<string, string>(), _logPrefix, RabbitHome);
        var clock = Stopwatch.StartNew();
        while (!await AcceptsConnectionsAsync())
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new InvalidOperationException($"the test broker did not start: {_process.Tail()}");
            }

            await Task.Delay(250);
        }

        await CtlAsync("await_startup", "--timeout", "120");
        if (first)
        {
            await Shell.RunAsync("runuser", ["-u", "rabbitmq", "--", "env", .. CtlEnvironment(),
                $"IGW_RABBITMQ_CONTROL_PLANE_PASSWORD={ControlPlanePassword}", $"IGW_RABBITMQ_NODE_PASSWORD={NodePassword}",
                $"IGW_BUS_ENTITY_PREFIX={EntityPrefix}", $"RABBITMQCTL={Sbin}/rabbitmqctl",
                "bash", Path.Combine(repositoryRoot, "scripts", "broker-users.sh")]);
        }
    }

    /// <summary>Really stops the node (rabbitmqctl stop, then the process is gone): every connection drops.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            await CtlAsync("stop");
        }
        catch (InvalidOperationException)
        {
            // Already down; the process is ended below either way.
        }

        await _process.StopAsync(TimeSpan.FromSeconds(30));
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>rabbitmqctl against this node only (never the system node).</summary>
    public Task<string> CtlAsync(params string[] arguments) =>
        Shell.RunAsync("runuser", ["-u", "rabbitmq", "--", "env", .. CtlEnvironment(), $"{Sbin}/rabbitmqctl", "-n", NodeName, "-q", .. arguments]);

    /// <summary>The names of the queues the node holds right now.</summary>
    public async Task<IReadOnlyList<string>> QueuesAsync() =>
        (await CtlAsync("list_queues", "name", "--no-table-headers")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            // The broker's own log (connections, refused permissions) is kept with the services' logs.
            foreach (var log in Directory.Exists(Path.Combine(_root, "log")) ? Directory.GetFiles(Path.Combine(_root, "log"), "*.log") : [])
            {
                File.Copy(log, $"{_logPrefix}.{Path.GetFileName(log)}", overwrite: true);
            }

            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string[] CtlEnvironment() => [$"HOME={RabbitHome}", $"RABBITMQ_NODENAME={NodeName}", $"RABBITMQ_LOG_BASE={_root}/log", $"RABBITMQ_MNESIA_BASE={_root}/mnesia"];

    private string[] NodeEnvironment() =>
    [
        .. CtlEnvironment(),
        $"RABBITMQ_CONFIG_FILE={_root}/rabbitmq.conf",
        $"RABBITMQ_DIST_PORT={DistributionPort}",
        $"RABBITMQ_ENABLED_PLUGINS_FILE={_root}/enabled_plugins",
        "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
    ];
}
