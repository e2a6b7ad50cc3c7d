using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Usage;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InferenceGateway.ControlPlane.Tests.Usage;

/// <summary>The control plane with a fallback quota pass minutes apart (and a test clock that never reaches it).</summary>
public sealed class QuotaPushApp : ControlPlaneApp
{
    protected override IEnumerable<(string Key, string Value)> Settings() => [("ControlPlane:Usage:QuotaPushInterval", "00:05:00")];
}

/// <summary>Quota consumption reaches the nodes right after a batch is ingested, and one replica pushes it.</summary>
public sealed class QuotaPusherTests(QuotaPushApp app) : IClassFixture<QuotaPushApp>
{
    [Fact]
    public async Task IngestedBatch_IsPushedWithoutWaitingForTheInterval()
    {
        var tenantId = await CreateQuotaTenantAsync();
        app.Time.Advance(TimeSpan.FromSeconds(1)); // past any earlier pass's minimum gap; the 5-minute fallback stays far off

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<UsageLedger>().ApplyAsync(Batch(tenantId, 7), CancellationToken.None));
        }

        // The pass is the ledger's signal's doing: the periodic timer runs on the test clock, which is not moved again.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ConsumedAsync(tenantId) != 7 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(7, await ConsumedAsync(tenantId));
        var pushed = await app.WithDbAsync(db => db.ConfigRevisions.Where(r => r.Cause == "quota.usage").Select(r => r.ChangesJson).ToListAsync());
        Assert.Contains(pushed, json => json.Contains(tenantId.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TwoPushersOnOneDatabase_PublishOneRevisionPerChange_AndSkipWhileTheLockIsHeld()
    {
        var tenantId = await CreateQuotaTenantAsync();
        QuotaPusher Replica()
        {
            var signal = new QuotaPushSignal();
            return new(
                app.Services.GetRequiredService<IServiceScopeFactory>(), signal, new QuotaPushLeadership(signal, NullLogger<QuotaPushLeadership>.Instance),
                app.Services.GetRequiredService<IOptions<UsageOptions>>(), app.Time, NullLogger<QuotaPusher>.Instance);
        }

        var (a, b) = (Replica(), Replica());

        // A batch ingested without waking the app's own pusher: only the two replicas below push it.
        await IngestQuietlyAsync(tenantId, 3);
        await using (var holder = new NpgsqlConnection(app.Database.ConnectionString))
        {
            await holder.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({QuotaPusher.AdvisoryLockKey})", holder))
            {
                await take.ExecuteNonQueryAsync();
            }

            var before = await QuotaRevisionsAsync();
            Assert.Null(await a.PushOnceAsync(CancellationToken.None));
            Assert.Equal(before, await QuotaRevisionsAsync());
            Assert.Equal(0, await ConsumedAsync(tenantId));
        }

        for (var round = 1; round <= 5; round++)
        {
            if (round > 1)
            {
                await IngestQuietlyAsync(tenantId, 2);
            }

            var before = await QuotaRevisionsAsync();
            var results = await Task.WhenAll(a.PushOnceAsync(CancellationToken.None), b.PushOnceAsync(CancellationToken.None));
            Assert.Equal(1, results.Count(r => r > 0));
            Assert.Equal(before + 1, await QuotaRevisionsAsync());
            Assert.Equal(3 + (2 * (round - 1)), await ConsumedAsync(tenantId));
        }
    }

    private async Task<Guid> CreateQuotaTenantAsync() => await app.WithDbAsync(async db =>
    {
        var plan = new Plan { Id = Guid.NewGuid(), Name = $"quota-{Guid.NewGuid():N}", Currency = "USD", MonthlyRequestQuota = 100 };
        var tenant = new Tenant { Id = Guid.NewGuid(), Slug = $"q{Guid.NewGuid():N}"[..20], DisplayName = "Quota", PlanId = plan.Id };
        db.AddRange(plan, tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    });

    private async Task IngestQuietlyAsync(Guid tenantId, long requests) => await app.WithDbAsync(async db =>
        await new UsageLedger(db, new QuotaPushSignal(), app.Time, NullLogger<UsageLedger>.Instance).ApplyAsync(Batch(tenantId, requests), CancellationToken.None));

    private Task<long> ConsumedAsync(Guid tenantId) =>
        app.WithDbAsync(db => db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.QuotaRequestsConsumed).SingleAsync());

    private Task<int> QuotaRevisionsAsync() => app.WithDbAsync(db => db.ConfigRevisions.CountAsync(r => r.Cause == "quota.usage"));

    private UsageReported Batch(Guid tenantId, long requests) => new()
    {
        BatchId = Guid.CreateVersion7(),
        NodeId = ControlPlaneApp.NodeId,
        CreatedAt = app.Time.GetUtcNow(),
        Cells =
        [
            new UsageCell
            {
                TenantId = tenantId, CredentialId = "k1", CredentialKind = "api-key", Model = "chat", Minute = app.Time.GetUtcNow(),
                Requests2xx = requests, LatencyBuckets = [requests, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
        ],
    };
}
