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

    [Fact]
    public async Task BackupRestored_EveryNodeFollowsTheLowerRevision_KeyUnknownToTheBackupRefused()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.OK, "the key to work on every node");
        var backup = Path.Combine(_topology.RunDirectory, "backup.dump");
        await _topology.DumpDatabaseAsync(backup);

        // After the backup: a key issued (and a few more revisions), which the restored database will not know.
        var later = await _topology.CreateKeyAsync(tenant.TenantId, "issued after the backup");
        for (var i = 0; i < 4; i++)
        {
            await _topology.CreateKeyAsync(tenant.TenantId, $"history {i}");
        }

        await _topology.WaitForEveryNodeAsync(tenant.Path(), later.Key, HttpStatusCode.OK, "the later key to work on every node");
        var heldRevision = await _topology.CurrentRevisionAsync();

        await _topology.StopControlPlaneAsync();
        await _topology.RestoreDatabaseAsync(backup);
        await _topology.StartControlPlaneAsync();
        Assert.True(await _topology.CurrentRevisionAsync() < heldRevision, "the restored database should be at a lower revision");

        // A change after the restore: every node follows the restored history (same epoch, lower revision).
        var issued = await _topology.CreateKeyAsync(tenant.TenantId, "issued after the restore");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), issued.Key, HttpStatusCode.OK, "the key issued after the restore to work on every node");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), later.Key, HttpStatusCode.Unauthorized, "the key the backup does not know to be refused on every node");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.OK, "the key in the backup to work on every node");
    }
}
