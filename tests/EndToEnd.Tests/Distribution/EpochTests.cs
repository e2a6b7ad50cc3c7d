using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Distribution;

/// <summary>
/// A control-plane database rebuilt (another epoch) or restored from a backup (a lower revision) while nodes run:
/// the fleet view shows them diverged, and they replace their state at their next pull, so a key the database no
/// longer has is refused although the nodes held a higher revision.
/// </summary>
public sealed class EpochTests(GatewayCluster cluster) : IClassFixture<GatewayCluster>, IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("epochs");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DatabaseRebuiltOrRestored_NodesReplaceTheirState_AndTheOldKeyIsRefused(bool newEpoch)
    {
        var kept = await cluster.CreateTenantAsync(_upstream);
        var lost = await cluster.CreateTenantAsync(_upstream);
        for (var i = 0; i < 3; i++)
        {
            await cluster.Admin().PatchAsJsonAsync($"/api/v1/tenants/{lost.TenantId}", new { displayName = $"change {i}" });
        }

        await cluster.SyncAsync();
        var held = GatewayCluster.ConfigOf(cluster.Node(0)).Revision;
        Assert.Equal(HttpStatusCode.OK, (await cluster.Client(0, lost.Key).GetAsync(lost.Path("/models"))).StatusCode);

        // The database goes back: the lost tenant's key is gone from it, the counter is lower, maybe a new epoch.
        await using (var scope = cluster.ControlPlane!.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            var revision = held - 4;
            var epoch = newEpoch ? Guid.NewGuid() : (await db.ConfigState.SingleAsync()).Epoch;
            await db.ApiKeys.Where(k => k.Id == Guid.Parse(lost.KeyId)).ExecuteDeleteAsync();
            await db.ConfigRevisions.Where(r => r.Revision > revision).ExecuteDeleteAsync();
            await db.ConfigState.ExecuteUpdateAsync(s => s.SetProperty(x => x.Revision, revision).SetProperty(x => x.Epoch, epoch));
        }

        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var fleet = (await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/nodes"))!;
            return fleet["nodes"]!.AsArray().Where(n => cluster.Nodes.Any(c => c.NodeId == (string)n!["nodeId"]!))
                .All(n => (string)n!["state"]! == "in-sync" && ((string?)n["lastReset"] ?? string.Empty).Contains(newEpoch ? "another epoch" : "lower revision"));
        }, "every node to replace its state and show in-sync");

        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(held - 4, GatewayCluster.ConfigOf(node).Revision);
            Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Client(node.Index, lost.Key).GetAsync(lost.Path("/models"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await cluster.Client(node.Index, kept.Key).GetAsync(kept.Path("/models"))).StatusCode);
        }

        // Changes after the restore flow as deltas again, from the lower revision on.
        await cluster.Admin().PostAsJsonAsync($"/api/v1/tenants/{kept.TenantId}/api-keys/{kept.KeyId}/revoke", new { });
        await cluster.SyncAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Client(0, kept.Key).GetAsync(kept.Path("/models"))).StatusCode);
    }
}
