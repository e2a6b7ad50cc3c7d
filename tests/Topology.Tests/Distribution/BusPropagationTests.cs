using System.Net;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>Three nodes as separate processes, polling every 10 minutes: every change they see came over the bus.</summary>
public sealed class BusPropagationTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("propagation");
        _topology = await TopologyFixture.StartAsync("propagation");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task KeyIssuedAndRevoked_ReachesEveryNodeOverTheBus()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.OK, "the new key to work on every node");
        _upstream.Clear();
        foreach (var node in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, tenant.Path(), tenant.Key));
        }

        Assert.Equal(3, _upstream.Requests.Count(r => r.PathAndQuery == "/v1/models"));

        var revoke = await _topology.RevokeKeyAsync(tenant.TenantId, tenant.KeyId);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.Unauthorized, "the revoked key to be refused on every node");

        // The fleet view sees every node at the current revision (their heartbeats travel the bus too).
        var revision = await _topology.CurrentRevisionAsync();
        await Wait.UntilAsync(async () => (await _topology.FleetAsync()).Values.All(n => (long)n["appliedRevision"]! == revision && (string)n["state"]! == "in-sync"),
            "every node in sync in the fleet view", diagnostics: _topology.Diagnostics);
    }
}
