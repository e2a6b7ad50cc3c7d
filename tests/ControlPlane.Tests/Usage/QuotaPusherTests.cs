using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
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

        // The pass is the ledger's signal's doing: the periodic timer runs on the test clock, which moves here only by
        // the pass's minimum gap at a time (a pass of the pusher's own, such as the first one after it took the lead on
        // a loaded machine, may have started the gap after the advance above), never near the 5-minute fallback.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var advanced = TimeSpan.Zero;
        while (await ConsumedAsync(tenantId) != 7 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            if (advanced < TimeSpan.FromMinutes(2))
            {
                app.Time.Advance(TimeSpan.FromMilliseconds(200));
                advanced += TimeSpan.FromMilliseconds(200);
            }
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

    [Fact]
    public async Task KeyBudgetPlan_PushCarriesEachCredentialsLedgerSpend_TheSameAsTheCompiler()
    {
        // 100 per million input tokens: 1000 tokens cost 0.1. A per-key budget only, so only the credential figures seed a key's counters.
        var tenantId = await app.WithDbAsync(async db =>
        {
            var plan = new Plan
            {
                Id = Guid.NewGuid(), Name = $"kb-{Guid.NewGuid():N}", Currency = "USD", PricePer1MInputTokens = 100m, BudgetKeyMonthly = 1m, BudgetKeyDaily = 0.5m,
                RequestsPerSecondPerKey = 10, BurstPerKey = 10, RequestsPerSecondPerTenant = 10, BurstPerTenant = 10, MaxRequestBodyBytes = 1_000_000,
            };
            var tenant = new Tenant { Id = Guid.NewGuid(), Slug = $"kb{Guid.NewGuid():N}"[..20], DisplayName = "Key budget", PlanId = plan.Id };
            db.AddRange(plan, tenant);
            await db.SaveChangesAsync();
            return tenant.Id;
        });
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await IngestQuietlyAsync(tenantId, 1, a.ToString(), inputTokens: 1000);
        await IngestQuietlyAsync(tenantId, 1, b.ToString(), inputTokens: 3000);
        await app.Services.GetRequiredService<QuotaPusher>().PushOnceAsync(CancellationToken.None);

        var pushed = await LastPushedAsync(tenantId);
        Assert.Equal(
            new[] { (a, 0.1m, 0.1m), (b, 0.3m, 0.3m) }.OrderBy(c => c.Item1),
            pushed.Credentials!.Select(c => (c.CredentialId, c.Spend, c.DaySpend)));

        // The compiler gives a node that pulls the whole snapshot the same figures as the delta.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var compiled = await scope.ServiceProvider.GetRequiredService<ConfigCompiler>().CompileAsync(CancellationToken.None);
            var tenant = compiled.Snapshot.Tenants.Single(t => t.TenantId == tenantId);
            Assert.Equal(JsonSerializer.Serialize(pushed, ContractJson.Options), JsonSerializer.Serialize(tenant.QuotaUsage, ContractJson.Options));
        }

        // Read again from the ledger, not added to: a second batch of one key moves that key's figure only.
        await IngestQuietlyAsync(tenantId, 1, a.ToString(), inputTokens: 1000);
        await app.Services.GetRequiredService<QuotaPusher>().PushOnceAsync(CancellationToken.None);
        pushed = await LastPushedAsync(tenantId);
        Assert.Equal(
            new[] { (a, 0.2m, 0.2m), (b, 0.3m, 0.3m) }.OrderBy(c => c.Item1),
            pushed.Credentials!.Select(c => (c.CredentialId, c.Spend, c.DaySpend)));
        Assert.Equal(0.5m, pushed.Spend);
    }

    private async Task<TenantQuotaUsage> LastPushedAsync(Guid tenantId)
    {
        var revisions = await app.WithDbAsync(db => db.ConfigRevisions.AsNoTracking().Where(r => r.Cause == "quota.usage").OrderByDescending(r => r.Revision).Select(r => r.ChangesJson).ToListAsync());
        return revisions
            .SelectMany(json => JsonSerializer.Deserialize<List<ConfigChange>>(json, ContractJson.Options)!)
            .OfType<TenantChanged>()
            .First(c => c.Tenant.TenantId == tenantId)
            .Tenant.QuotaUsage!;
    }

    private async Task<Guid> CreateQuotaTenantAsync() => await app.WithDbAsync(async db =>
    {
        var plan = new Plan { Id = Guid.NewGuid(), Name = $"quota-{Guid.NewGuid():N}", Currency = "USD", MonthlyRequestQuota = 100 };
        var tenant = new Tenant { Id = Guid.NewGuid(), Slug = $"q{Guid.NewGuid():N}"[..20], DisplayName = "Quota", PlanId = plan.Id };
        db.AddRange(plan, tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    });

    private async Task IngestQuietlyAsync(Guid tenantId, long requests, string credentialId = "k1", long inputTokens = 0) => await app.WithDbAsync(async db =>
        await new UsageLedger(db, new QuotaPushSignal(), app.Time, NullLogger<UsageLedger>.Instance).ApplyAsync(Batch(tenantId, requests, credentialId, inputTokens), CancellationToken.None));

    private Task<long> ConsumedAsync(Guid tenantId) =>
        app.WithDbAsync(db => db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.QuotaRequestsConsumed).SingleAsync());

    private Task<int> QuotaRevisionsAsync() => app.WithDbAsync(db => db.ConfigRevisions.CountAsync(r => r.Cause == "quota.usage"));

    private UsageReported Batch(Guid tenantId, long requests, string credentialId = "k1", long inputTokens = 0) => new()
    {
        BatchId = Guid.CreateVersion7(),
        NodeId = ControlPlaneApp.NodeId,
        CreatedAt = app.Time.GetUtcNow(),
        Cells =
        [
            new UsageCell
            {
                TenantId = tenantId, CredentialId = credentialId, CredentialKind = "api-key", Model = "chat", Minute = app.Time.GetUtcNow(),
                Requests2xx = requests, InputTokens = inputTokens, LatencyBuckets = [requests, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
        ],
    };
}
