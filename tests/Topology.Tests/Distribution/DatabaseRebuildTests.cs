using System.Net;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// The control plane's database is lost and rebuilt (dropped, then created again by the next start): an older
/// revision in a new epoch. Every node must follow it, with no manual step, although it holds a higher revision.
/// </summary>
public sealed class DatabaseRebuildTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("database-rebuild");
        _topology = await TopologyFixture.StartAsync("database-rebuild");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseRebuilt_EveryNodeFollowsTheNewEpoch_OldKeyRefused_NewKeyServed()
    {
        var old = await _topology.CreateTenantAsync(_upstream);
        for (var i = 0; i < 6; i++)
        {
            // More history than the rebuilt database will have: its revisions are lower than the nodes'.
            await _topology.CreateKeyAsync(old.TenantId, $"history {i}");
        }

        await _topology.WaitForEveryNodeAsync(old.Path(), old.Key, HttpStatusCode.OK, "the old key to work on every node");
        var oldRevision = await _topology.CurrentRevisionAsync();
        var oldEpoch = (string)(await _topology.FleetAsync()).Values.First()["epoch"]!;

        await _topology.StopControlPlaneAsync();
        await _topology.DropDatabaseAsync();
        await _topology.StartControlPlaneAsync();

        var rebuilt = await _topology.CreateTenantAsync(_upstream);
        Assert.True(await _topology.CurrentRevisionAsync() < oldRevision, "the rebuilt database should be at a lower revision");

        await _topology.WaitForEveryNodeAsync(rebuilt.Path(), rebuilt.Key, HttpStatusCode.OK, "the new key to work on every node");
        await _topology.WaitForEveryNodeAsync(old.Path(), old.Key, HttpStatusCode.Unauthorized, "the old key to be refused on every node");

        // The fleet view shows every node in the new epoch, in sync.
        var revision = await _topology.CurrentRevisionAsync();
        await Wait.UntilAsync(async () => (await _topology.FleetAsync()).Values.Count(n =>
                (string)n["epoch"]! != oldEpoch && (long)n["appliedRevision"]! == revision && (string)n["state"]! == "in-sync") == _topology.NodeCount,
            "every node in sync in the new epoch", diagnostics: _topology.Diagnostics);
    }
}
