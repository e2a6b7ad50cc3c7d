using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real topology in one process: a control plane on its own PostgreSQL database, data-plane nodes as
/// separate hosts, RabbitMQ reached through a cuttable TCP relay, and exchange/queue names of their own so
/// concurrent test runs never see each other's messages.
/// </summary>
public class GatewayCluster : IAsyncLifetime
{
    public const string AdminToken = "e2e-admin-token-0123456789abcdefghijklmnopq";
    public const string NodeToken = "e2e-node-token-0123456789abcdefghijklmnopqr";

    /// <summary>Each node's own snapshot-API token (per-node credentials).</summary>
    public static string NodeTokenFor(int index) => $"{NodeToken}-{index}";

    /// <summary>A node id that no running node uses, with its own credential: tests pull as it.</summary>
    public string ProbeNodeId => $"{BusPrefix}-probe";

    /// <summary>The instance id of the probe "process" (one per cluster, as a real node process has one).</summary>
    public Guid ProbeInstance { get; } = Guid.NewGuid();

    public const string ProbeToken = "e2e-probe-token-0123456789abcdefghijklmnopq";

    /// <summary>A client of the snapshot API, authenticated as <paramref name="nodeId"/> (the probe by default) with <paramref name="token"/>.</summary>
    public HttpClient NodeApi(string? nodeId = null, string? token = null, Guid? instance = null)
    {
        var client = ControlPlane!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? ProbeToken);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Id", nodeId ?? ProbeNodeId);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Instance", (instance ?? ProbeInstance).ToString());
        return client;
    }

    /// <summary>How many nodes this cluster configures credentials for.</summary>
    public int NodeCount => _nodes.Length;

    private readonly DataPlaneHost?[] _nodes;

    public GatewayCluster()
        : this(2)
    {
    }

    protected GatewayCluster(int nodeCount)
    {
        _nodes = new DataPlaneHost?[nodeCount];
        Rabbit = new TcpProxy(int.TryParse(Environment.GetEnvironmentVariable("IGW_RABBITMQ_PORT"), out var port) ? port : 5672);
    }

    public PostgresDatabase Database { get; } = new("igw_e2e");

    public string BusPrefix { get; } = $"e2e{Guid.NewGuid():N}"[..15];

    public TcpProxy Rabbit { get; }

    public int ControlPlanePort { get; } = FreePort.Next();

    public byte[] SnapshotKey { get; } = RandomNumberGenerator.GetBytes(32);

    public byte[] MasterKey { get; } = RandomNumberGenerator.GetBytes(32);

    public string StateRoot { get; } = Path.Combine(Path.GetTempPath(), $"igw-e2e-{Guid.NewGuid():N}");

    public FakeHostResolver ControlPlaneDns { get; } = new();

    public FakeHostResolver NodeDns { get; } = new();

    public ControlPlaneHost? ControlPlane { get; private set; }

    /// <summary>Settings every node of this cluster gets on top of the defaults (a subclass adds Redis, for example).</summary>
    public virtual IReadOnlyDictionary<string, string> ExtraNodeSettings { get; } = new Dictionary<string, string>();

    public IReadOnlyList<DataPlaneHost> Nodes => _nodes.Where(n => n is not null).ToList()!;

    public DataPlaneHost Node(int index) => _nodes[index] ?? throw new InvalidOperationException($"node {index} is stopped");

    public async Task InitializeAsync()
    {
        Rabbit.Start();
        StartControlPlane();
        for (var i = 0; i < _nodes.Length; i++)
        {
            StartNode(i);
        }

        await Task.CompletedTask;
    }

    public void StartControlPlane()
    {
        ControlPlane = new ControlPlaneHost(this);
        ControlPlane.StartServer();
    }

    public async Task StopControlPlaneAsync()
    {
        if (ControlPlane is { } host)
        {
            ControlPlane = null;
            await host.DisposeAsync();
        }
    }

    public DataPlaneHost StartNode(int index)
    {
        var node = new DataPlaneHost(this, index);
        node.StartServer();
        _nodes[index] = node;
        return node;
    }

    public async Task StopNodeAsync(int index)
    {
        if (_nodes[index] is { } node)
        {
            _nodes[index] = null;
            await node.DisposeAsync();
        }
    }

    public HttpClient Admin()
    {
        var client = ControlPlane!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>A client of node <paramref name="index"/>, authenticated with <paramref name="key"/> when given.</summary>
    public HttpClient Client(int index, string? key = null)
    {
        var client = Node(index).CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public Uri NodeAddress(int index)
    {
        using var client = Node(index).CreateClient();
        return client.BaseAddress!;
    }

    internal static NodeConfig ConfigOf(DataPlaneHost node) => node.Services.GetRequiredService<NodeConfig>();

    public async Task<long> CurrentRevisionAsync()
    {
        await using var scope = ControlPlane!.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().ConfigState.AsNoTracking().Select(s => s.Revision).SingleAsync();
    }

    /// <summary>The control plane's epoch, current revision and the content hash of its compiled snapshot.</summary>
    internal async Task<(Guid Epoch, long Revision, string ContentHash)> CompiledAsync()
    {
        await using var scope = ControlPlane!.Services.CreateAsyncScope();
        var state = await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().ConfigState.AsNoTracking().SingleAsync();
        var compiled = await ControlPlane.Services.GetRequiredService<SnapshotCache>().GetAsync(state.Epoch, state.Revision, CancellationToken.None);
        return (state.Epoch, state.Revision, compiled.Snapshot.ContentHash);
    }

    /// <summary>Waits until every running node serves the control plane's current revision with the same content (epoch, revision and content hash).</summary>
    public async Task SyncAsync()
    {
        var target = await CompiledAsync();
        await WaitUntilAsync(() => Task.FromResult(Nodes.All(n => ConfigOf(n).Current is { } s && s.Epoch == target.Epoch && s.Revision >= target.Revision)), $"nodes to reach revision {target.Revision}");
        await WaitUntilAsync(async () =>
        {
            target = await CompiledAsync();
            return Nodes.All(n => ConfigOf(n).Current is { } s && s.Epoch == target.Epoch && s.Revision == target.Revision && s.ContentHash == target.ContentHash);
        }, $"nodes to serve the content of revision {target.Revision}");
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutMs = 20_000)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs)
            {
                throw new TimeoutException($"timed out after {timeoutMs} ms waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A plan, a tenant, an endpoint for <paramref name="upstream"/> and a key: what most tests start from.</summary>
    public async Task<TenantSetup> CreateTenantAsync(
        RecordingUpstream upstream, object? limits = null, string model = "chat", object? credential = null, string? baseUrl = null,
        IReadOnlyDictionary<string, object?>? endpoint = null)
    {
        var admin = Admin();
        var plan = await PostAsync(admin, "/api/v1/plans", new { name = $"plan-{Guid.NewGuid():N}", limits = limits ?? new { requestsPerSecondPerKey = 1000, burstPerKey = 1000, requestsPerSecondPerTenant = 1000, burstPerTenant = 1000 } });
        var slug = $"t{Guid.NewGuid():N}"[..16];
        var tenant = await PostAsync(admin, "/api/v1/tenants", new { slug, displayName = slug, planId = (string)plan["id"]! });
        var tenantId = (string)tenant["id"]!;
        var endpointBody = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["baseUrl"] = baseUrl ?? $"{upstream.BaseAddress.ToString().TrimEnd('/')}/v1",
            ["upstreamCredential"] = credential ?? new { headerName = "Authorization", value = $"Bearer upstream-{upstream.Name}" },
            ["timeoutSeconds"] = 30,
        };
        foreach (var (name, value) in endpoint ?? new Dictionary<string, object?>())
        {
            endpointBody[name] = value;
        }

        await PostAsync(admin, $"/api/v1/tenants/{tenantId}/endpoints", endpointBody);
        var key = await PostAsync(admin, $"/api/v1/tenants/{tenantId}/api-keys", new { name = "default" });
        await SyncAsync();
        return new TenantSetup(tenantId, slug, model, (string)key["key"]!, (string)key["apiKey"]!["id"]!, (string)plan["id"]!);
    }

    /// <summary>Settings a cluster of a test class's own adds to the control plane (after the shared ones, so they win).</summary>
    protected internal virtual void ConfigureControlPlane(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
    }

    public static async Task<JsonObject> PostAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public virtual async Task DisposeAsync()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            await StopNodeAsync(i);
        }

        await StopControlPlaneAsync();
        await Rabbit.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(StateRoot))
        {
            Directory.Delete(StateRoot, recursive: true);
        }
    }
}

public sealed record TenantSetup(string TenantId, string Slug, string Model, string Key, string KeyId, string PlanId)
{
    public string Path(string rest = "/chat/completions") => $"/t/{Slug}/{Model}{rest}";
}

/// <summary>A cluster with one node, for tests about the request path rather than distribution.</summary>
public sealed class SingleNodeCluster : GatewayCluster
{
    public SingleNodeCluster()
        : base(1)
    {
    }
}
