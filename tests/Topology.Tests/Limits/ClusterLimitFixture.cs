using System.Collections.Concurrent;
using System.Net;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Microsoft.AspNetCore.Http;

namespace InferenceGateway.Topology.Tests.Limits;

/// <summary>
/// Three node processes on a Redis server of their own (so a test can stop it), with a key prefix of their own, an
/// access log file each, and an upstream that notes when each request reached it.
/// </summary>
public sealed class ClusterLimitFixture : IAsyncLifetime
{
    private readonly List<RecordingUpstream> _upstreams = [];

    public RedisServer Redis { get; private set; } = null!;

    public GatewayTopology Topology { get; private set; } = null!;

    /// <summary>When each request reached the upstream (UTC, ms since the epoch), by tenant slug.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<long>> Arrivals { get; } = new();

    public async Task InitializeAsync()
    {
        Redis = new RedisServer(Path.Combine(AppContext.BaseDirectory, "topology"));
        await Redis.StartAsync();
        Topology = await GatewayTopology.StartAsync(new TopologyOptions(TopologyFixture.Binaries, "cluster-limits")
        {
            NodeCount = 3,
            NodeEnvironment = new Dictionary<string, string>
            {
                ["DataPlane__Redis__ConnectionString"] = Redis.ConnectionString,
                ["DataPlane__Redis__KeyPrefix"] = $"igwtest:{Guid.NewGuid():N}:",
                ["DataPlane__Redis__ConnectTimeout"] = "00:00:00.500",
                ["DataPlane__Redis__HealthInterval"] = "00:00:00.200",
                ["DataPlane__AccessLog__Path"] = "access.jsonl",
            },
        });
    }

    public async Task DisposeAsync()
    {
        await Topology.DisposeAsync();
        foreach (var upstream in _upstreams)
        {
            await upstream.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    /// <summary>An upstream of its own per tenant: the control plane lets one tenant only use a private address and port.</summary>
    private async Task<RecordingUpstream> UpstreamAsync()
    {
        var upstream = await TopologyFixture.UpstreamAsync("limits");
        upstream.Respond = async context =>
        {
            var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var slug = context.Request.Headers["X-Igw-Tenant"].ToString();
            Arrivals.GetOrAdd(slug.Length > 0 ? slug : "-", _ => new()).Enqueue(at);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"object":"list","data":[]}""");
        };
        _upstreams.Add(upstream);
        return upstream;
    }

    /// <summary>A tenant with a plan of these limits, once every node serves it (a tenant made after it answers everywhere).</summary>
    public async Task<TopologyTenant> TenantAsync(object limits)
    {
        var tenant = await Topology.CreateTenantAsync(await UpstreamAsync(), limits);
        var probe = await Topology.CreateTenantAsync(await UpstreamAsync());
        await Topology.WaitForEveryNodeAsync(probe.Path(), probe.Key, HttpStatusCode.OK, "the new tenants to reach every node");
        return tenant;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, TopologyTenant tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, tenant.Path());
        request.Headers.Authorization = new("Bearer", tenant.Key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public IReadOnlyCollection<long> ArrivalsOf(TopologyTenant tenant) => Arrivals.TryGetValue(tenant.Slug, out var queue) ? queue : [];
}
