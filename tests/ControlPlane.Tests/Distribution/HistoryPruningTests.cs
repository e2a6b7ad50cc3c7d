using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Messaging;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Distribution;

/// <summary>Revision and outbox rows are deleted once every node has moved past them and the retention has passed.</summary>
public sealed class HistoryPruningTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Prune_DeletesOnlyWhatEveryNodeHasAndTheRetentionAllows_ThenALaggingNodeGetsTheFullSnapshot()
    {
        for (var i = 0; i < 4; i++)
        {
            await _admin.CreatePlanAsync();
        }

        var (epoch, current) = await app.WithDbAsync(async db => (await db.ConfigState.SingleAsync()) is var s ? (s.Epoch, s.Revision) : default);
        await app.WithDbAsync(async db =>
        {
            db.DataPlaneNodes.Add(new DataPlaneNode
            {
                NodeId = "lagging", Version = "1", Epoch = epoch, AppliedRevision = current - 2, FirstSeenAt = app.Time.GetUtcNow(), LastSeenAt = app.Time.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
        await WaitForRelayAsync();
        var pruner = app.Services.GetRequiredService<ConfigHistoryPruner>();

        // Within the retention nothing goes, whatever the nodes hold.
        Assert.Equal((0, 0), await pruner.PruneOnceAsync(CancellationToken.None));

        // Eight days on, the node still reporting (the background pruner may run as the clock moves; either way the
        // outcome is the same).
        var later = app.Time.GetUtcNow().AddDays(8);
        await app.WithDbAsync(db => db.DataPlaneNodes.Where(n => n.NodeId == "lagging").ExecuteUpdateAsync(n => n.SetProperty(x => x.LastSeenAt, later)));
        app.Time.Advance(TimeSpan.FromDays(8));
        await pruner.PruneOnceAsync(CancellationToken.None);

        var left = await app.WithDbAsync(db => db.ConfigRevisions.Select(r => r.Revision).OrderBy(r => r).ToListAsync());
        Assert.Equal([current - 1, current], left);
        Assert.Equal(0, await app.WithDbAsync(db => db.OutboxMessages.CountAsync()));

        // The lagging node still catches up with deltas; one further behind gets the full snapshot.
        Assert.Equal("delta", (string)(await PullSinceAsync(current - 2))["kind"]!);
        Assert.Equal("full", (string)(await PullSinceAsync(current - 3))["kind"]!);
    }

    private async Task WaitForRelayAsync()
    {
        for (var i = 0; i < 200 && await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.SentAt == null)); i++)
        {
            await Task.Delay(50);
        }
    }

    private async Task<JsonObject> PullSinceAsync(long since)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ControlPlaneApp.NodeToken);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Id", ControlPlaneApp.NodeId);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Instance", Instance.ToString());
        return JsonNode.Parse(await client.GetStringAsync($"/api/v1/dataplane/snapshot?since={since}"))!.AsObject();
    }

    private static readonly Guid Instance = Guid.NewGuid();
}
