using System.Net;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Outages;

/// <summary>A node killed with SIGKILL and started again while the control plane and the broker are both down.</summary>
public sealed class NodeRestartTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("node-restart");
        _topology = await TopologyFixture.StartAsync("node-restart");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task NodeKilledAndRestartedWithoutControlPlaneAndBroker_ServesItsLastKnownGoodSnapshot()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        var revoked = await _topology.CreateKeyAsync(tenant.TenantId, "revoked before the outage");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), revoked.Key, HttpStatusCode.OK, "both keys to work on every node");
        var beforeRevoke = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await _topology.RevokeKeyAsync(tenant.TenantId, revoked.KeyId)).StatusCode);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), revoked.Key, HttpStatusCode.Unauthorized, "the revoked key to be refused on every node");

        // The node writes its newest state to disk shortly after applying it; wait until that write is done.
        var snapshot = Path.Combine(_topology.StateDirectory(0), "snapshot.bin");
        await Wait.UntilAsync(() => Task.FromResult(File.Exists(snapshot) && File.GetLastWriteTimeUtc(snapshot) > beforeRevoke), "node 0 to store the revocation on disk");
        await WaitUntilUnchangedAsync(snapshot);

        await _topology.StopControlPlaneAsync();
        await _topology.Broker.StopAsync();
        await _topology.KillNodeAsync(0);
        await _topology.StartNodeAsync(0);

        // Ready and serving from disk: the key works, the key revoked before the outage stays refused.
        using var client = _topology.Client(0);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        _upstream.Clear();
        Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(0, tenant.Path(), tenant.Key));
        Assert.Single(_upstream.Requests);
        Assert.Equal(HttpStatusCode.Unauthorized, await _topology.StatusAsync(0, tenant.Path(), revoked.Key));
        Assert.Contains("from disk", _topology.Node(0)!.Stdout(), StringComparison.Ordinal);

        // The other nodes never stopped serving.
        foreach (var node in new[] { 1, 2 })
        {
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, tenant.Path(), tenant.Key));
        }
    }

    private static async Task WaitUntilUnchangedAsync(string file)
    {
        var last = File.GetLastWriteTimeUtc(file);
        await Wait.UntilAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = File.GetLastWriteTimeUtc(file);
            var unchanged = now == last;
            last = now;
            return unchanged;
        }, "the disk snapshot to settle");
    }
}
