using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Distribution;

/// <summary>
/// The relay publishes rows its own process committed from memory (no read back) only when each is the row right
/// after the last one it dealt with; concurrent admin calls hand rows over out of order, and the read takes over.
/// </summary>
public sealed class OutboxHandOffTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task ConcurrentChanges_EveryRowPublishedOnce_InRevisionOrder()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var first = await app.WithDbAsync(db => db.OutboxMessages.MaxAsync(m => m.Id));

        // One after another (the hand-off path), then twenty at once (hand-offs out of order, gaps).
        for (var i = 0; i < 5; i++)
        {
            await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = $"serial-{i}" });
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = $"concurrent-{i}" })));

        List<InferenceGateway.ControlPlane.Data.OutboxMessage> rows = [];
        for (var attempt = 0; attempt < 200; attempt++)
        {
            rows = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.Id > first).OrderBy(m => m.Id).ToListAsync());
            if (rows.Count == 25 && rows.All(r => r.SentAt is not null))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(25, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.NotNull(r.SentAt);
            Assert.Null(r.SkippedAt);

            // Published exactly once: the hand-off and the read never both publish a row.
            Assert.Equal(1, r.Attempts);
        });

        // Row ids follow revision order (every row is inserted under the revision lock), so publishing by id keeps it.
        var revisions = rows.Select(r => JsonSerializer.Deserialize<ConfigRevisionPublished>(r.Payload, ContractJson.Options)!.Revision).ToList();
        Assert.Equal(Enumerable.Range((int)revisions[0], 25).Select(r => (long)r), revisions);
        Assert.Equal(rows.Select(r => r.SentAt).Order(), rows.Select(r => r.SentAt));
    }
}
