using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json.Nodes;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>Where the Debug (or Release) builds of the services are; a test project names them in assembly metadata.</summary>
public sealed record TopologyBinaries(string RepositoryRoot, string ControlPlaneAssembly, string DataPlaneAssembly)
{
    /// <summary>Reads <c>RepositoryRoot</c>, <c>ControlPlaneAssembly</c> and <c>DataPlaneAssembly</c> from the assembly's metadata attributes.</summary>
    public static TopologyBinaries FromMetadata(Assembly assembly)
    {
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        var binaries = new TopologyBinaries(Path.GetFullPath(metadata["RepositoryRoot"]), Path.GetFullPath(metadata["ControlPlaneAssembly"]), Path.GetFullPath(metadata["DataPlaneAssembly"]));
        foreach (var file in new[] { binaries.ControlPlaneAssembly, binaries.DataPlaneAssembly })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"{file} is missing: build the solution first", file);
            }
        }

        return binaries;
    }
}

public sealed record TopologyOptions(TopologyBinaries Binaries, string Name)
{
    public int NodeCount { get; init; } = 3;

    /// <summary>A PostgreSQL cluster of the topology's own (to stop it); otherwise a database on the shared server.</summary>
    public bool DedicatedPostgres { get; init; }

    /// <summary>Extra settings for every node (environment variables, for example <c>DataPlane__Redis__ConnectionString</c>).</summary>
    public IReadOnlyDictionary<string, string>? NodeEnvironment { get; init; }

    /// <summary>Where logs go; by default under the test output (bin/.../topology).</summary>
    public string LogRoot { get; init; } = Path.Combine(AppContext.BaseDirectory, "topology");
}

/// <summary>
/// The distributed product as separate OS processes: a control plane and <see cref="TopologyOptions.NodeCount"/>
/// data-plane nodes (the services' own builds run with <c>dotnet</c>), on PostgreSQL and a RabbitMQ node of the
/// topology's own, whose role users they connect with. Ports are free ports; every process writes its output to
/// <see cref="RunDirectory"/>; dispose kills every process and removes the servers, databases and state it made.
/// </summary>
public sealed class GatewayTopology : IAsyncDisposable
{
    private readonly TopologyOptions _options;
    private readonly ServiceProcess?[] _nodes;
    private readonly int[] _nodePorts;
    private PostgresDatabase? _sharedDatabase;

    private GatewayTopology(TopologyOptions options)
    {
        _options = options;
        RunDirectory = Path.Combine(options.LogRoot, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{options.Name}-{Guid.NewGuid():N}"[..^24]);
        Directory.CreateDirectory(RunDirectory);
        Settings = TopologySettings.ForNodes(options.NodeCount);
        Broker = new RabbitMqServer(RunDirectory, $"topo{Guid.NewGuid():N}"[..12]);
        _nodes = new ServiceProcess?[options.NodeCount];
        _nodePorts = Enumerable.Range(0, options.NodeCount).Select(_ => FreePort.Next()).ToArray();
    }

    public string RunDirectory { get; }

    public TopologySettings Settings { get; }

    public RabbitMqServer Broker { get; }

    public PostgresCluster? Postgres { get; private set; }

    public string ConnectionString { get; private set; } = string.Empty;

    public int ControlPlanePort { get; } = FreePort.Next();

    public ServiceProcess? ControlPlane { get; private set; }

    public int NodeCount => _nodes.Length;

    public ServiceProcess? Node(int index) => _nodes[index];

    public Uri NodeAddress(int index) => new($"http://127.0.0.1:{_nodePorts[index]}");

    public string StateDirectory(int index) => Path.Combine(RunDirectory, "state", TopologySettings.NodeId(index));

    public Uri ControlPlaneAddress => new($"http://127.0.0.1:{ControlPlanePort}");

    /// <summary>A second control-plane replica on the same database and broker, when <see cref="StartSecondControlPlaneAsync"/> started it.</summary>
    public ServiceProcess? SecondControlPlane { get; private set; }

    public int SecondControlPlanePort { get; } = FreePort.Next();

    public Uri SecondControlPlaneAddress => new($"http://127.0.0.1:{SecondControlPlanePort}");

    /// <summary>Starts the servers, the control plane and every node, and waits until the bus carries heartbeats from each node.</summary>
    public static async Task<GatewayTopology> StartAsync(TopologyOptions options)
    {
        var topology = new GatewayTopology(options);
        try
        {
            await topology.StartServersAsync();
            await topology.StartControlPlaneAsync();
            await Task.WhenAll(Enumerable.Range(0, options.NodeCount).Select(topology.StartNodeAsync));
            await topology.WaitForFleetAsync();
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    public async Task StartControlPlaneAsync()
    {
        ControlPlane = ServiceProcess.Start("control-plane", "dotnet", [_options.Binaries.ControlPlaneAssembly],
            Settings.ControlPlane(ControlPlanePort, ConnectionString, Broker), Path.Combine(RunDirectory, "control-plane"), RunDirectory);
        await WaitForControlPlaneAsync(ControlPlane, ControlPlaneAddress);
    }

    /// <summary>
    /// Starts a second control-plane process on the same database and broker (a replica, as an operator scales one
    /// out; the first one applied the migrations) and waits until it is ready. Nodes keep the first one's URL.
    /// </summary>
    public async Task StartSecondControlPlaneAsync()
    {
        SecondControlPlane = ServiceProcess.Start("control-plane-2", "dotnet", [_options.Binaries.ControlPlaneAssembly],
            Settings.ControlPlane(SecondControlPlanePort, ConnectionString, Broker), Path.Combine(RunDirectory, "control-plane-2"), RunDirectory);
        await WaitForControlPlaneAsync(SecondControlPlane, SecondControlPlaneAddress);
    }

    /// <summary>SIGKILL for the control-plane process <paramref name="process"/> (the first or the second replica); admin calls go to the one left.</summary>
    public async Task KillControlPlaneAsync(ServiceProcess process)
    {
        if (ReferenceEquals(process, ControlPlane))
        {
            ControlPlane = null;
        }
        else if (ReferenceEquals(process, SecondControlPlane))
        {
            SecondControlPlane = null;
        }
        else
        {
            throw new InvalidOperationException($"{process.Name} is not a running control plane of this topology");
        }

        process.Kill();
        await process.DisposeAsync();
    }

    private static async Task WaitForControlPlaneAsync(ServiceProcess process, Uri address)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the control plane exited: {process.Tail()}");
            }

            return (await http.GetAsync(new Uri(address, "/readyz"))).IsSuccessStatusCode;
        }, $"{process.Name} to be ready", TimeSpan.FromSeconds(180), () => process.Tail());
    }

    /// <summary>Stops the control plane as an orchestrator would (SIGTERM).</summary>
    public async Task StopControlPlaneAsync()
    {
        if (ControlPlane is { } process)
        {
            ControlPlane = null;
            await process.StopAsync();
            await process.DisposeAsync();
        }
    }

    /// <summary>Starts node <paramref name="index"/> (again, after a kill: same id, port and state directory) and waits until it is ready.</summary>
    public async Task StartNodeAsync(int index)
    {
        var state = StateDirectory(index);
        Directory.CreateDirectory(state);
        var environment = new Dictionary<string, string>(Settings.Node(index, _nodePorts[index], ControlPlanePort, Broker, state));
        foreach (var (name, value) in _options.NodeEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var process = ServiceProcess.Start(TopologySettings.NodeId(index), "dotnet", [_options.Binaries.DataPlaneAssembly],
            environment, Path.Combine(RunDirectory, TopologySettings.NodeId(index)), state);
        _nodes[index] = process;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"node {index} exited: {process.Tail()}");
            }

            return (await http.GetAsync(new Uri(NodeAddress(index), "/readyz"))).IsSuccessStatusCode;
        }, $"node {index} to be ready", TimeSpan.FromSeconds(180), () => process.Tail());
    }

    /// <summary>
    /// Drops the control plane's database (on the shared server) while the control plane is stopped: its next start
    /// creates it again, with revisions starting over and a new epoch, as after a rebuilt or lost database.
    /// </summary>
    public async Task DropDatabaseAsync()
    {
        if (ControlPlane is not null || _sharedDatabase is null)
        {
            throw new InvalidOperationException("stop the control plane first; only a database on the shared server can be dropped");
        }

        await _sharedDatabase.DisposeAsync();
    }

    /// <summary>A backup of the control plane's database (pg_dump, custom format) to <paramref name="file"/>.</summary>
    public Task DumpDatabaseAsync(string file) =>
        Shell.RunAsync("pg_dump", ["-Fc", "-f", file, "-d", Uri(ConnectionString)]);

    /// <summary>Replaces the control plane's database (stopped first) with the backup in <paramref name="file"/>, as an operator restores one.</summary>
    public async Task RestoreDatabaseAsync(string file)
    {
        await DropDatabaseAsync();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" };
        await Shell.RunAsync("pg_restore", ["-C", "--no-owner", "-d", Uri(builder.ConnectionString), file]);
    }

    /// <summary>SIGKILL: the node gets no chance to save or say goodbye.</summary>
    public async Task KillNodeAsync(int index)
    {
        if (_nodes[index] is { } process)
        {
            _nodes[index] = null;
            process.Kill();
            await process.DisposeAsync();
        }
    }

    public HttpClient Admin()
    {
        // The first replica, or the second when only that one runs (after the first was killed).
        var address = ControlPlane is null && SecondControlPlane is not null ? SecondControlPlaneAddress : ControlPlaneAddress;
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Settings.AdminToken);
        return client;
    }

    public HttpClient Client(int index) => new() { BaseAddress = NodeAddress(index), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The fleet view's entry for every node that reported, by node id.</summary>
    public async Task<Dictionary<string, JsonObject>> FleetAsync()
    {
        using var admin = Admin();
        var fleet = JsonNode.Parse(await admin.GetStringAsync("/api/v1/dataplane/nodes"))!;
        return fleet["nodes"]!.AsArray().Select(n => n!.AsObject()).ToDictionary(n => (string)n["nodeId"]!);
    }

    /// <summary>Every node's log and the control plane's, last lines, for a failed assertion.</summary>
    public string Diagnostics() =>
        string.Join("\n\n", new[] { ControlPlane, SecondControlPlane }.Concat(_nodes).Where(p => p is not null).Select(p => p!.Tail(25)));

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        async Task Try(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        foreach (var node in _nodes.Where(n => n is not null))
        {
            await Try(async () => await node!.DisposeAsync());
        }

        if (ControlPlane is { } controlPlane)
        {
            await Try(async () => await controlPlane.DisposeAsync());
        }

        if (SecondControlPlane is { } secondControlPlane)
        {
            await Try(async () => await secondControlPlane.DisposeAsync());
        }

        await Try(async () => await Broker.DisposeAsync());
        if (_sharedDatabase is { } database)
        {
            await Try(async () => await database.DisposeAsync());
        }

        if (Postgres is { } cluster)
        {
            await Try(async () => await cluster.DisposeAsync());
        }

        await Try(() =>
        {
            var state = Path.Combine(RunDirectory, "state");
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }

            return Task.CompletedTask;
        });
        if (failures.Count > 0)
        {
            throw new AggregateException("the topology did not clean up completely", failures);
        }
    }

    private static string Uri(string connectionString)
    {
        var c = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{System.Uri.EscapeDataString(c.Username!)}:{System.Uri.EscapeDataString(c.Password!)}@{c.Host}:{c.Port}/{c.Database}";
    }

    private async Task StartServersAsync()
    {
        var broker = Broker.StartAsync(_options.Binaries.RepositoryRoot);
        if (_options.DedicatedPostgres)
        {
            Postgres = new PostgresCluster();
            await Postgres.CreateAsync();
            ConnectionString = Postgres.ConnectionString;
        }
        else
        {
            _sharedDatabase = new PostgresDatabase("igw_topology");
            ConnectionString = _sharedDatabase.ConnectionString;
        }

        await broker;
    }

    private async Task WaitForFleetAsync()
    {
        // Heartbeats from every node prove each one's bus connection; the queues prove each one can receive.
        await Wait.UntilAsync(async () => (await FleetAsync()).Count == NodeCount, "a heartbeat from every node", TimeSpan.FromSeconds(120), Diagnostics);
        await Wait.UntilAsync(async () =>
        {
            var queues = await Broker.QueuesAsync();
            return Enumerable.Range(0, NodeCount).All(i => queues.Contains($"{Broker.EntityPrefix}-igw-dataplane-{TopologySettings.NodeId(i)}"));
        }, "every node's queue", TimeSpan.FromSeconds(120), Diagnostics);
    }
}
