using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Usage;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceGateway.ControlPlane.Tests.Usage;

/// <summary>The ledger's upserts on both providers: each batch once, minute/hour/day rows, month sums for quotas.</summary>
public sealed class UsageLedgerTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ApplyAsync_CountsEachBatchOnceInEveryGranularity_OnBothProviders(string provider)
    {
        await using var database = provider == "postgres" ? new PostgresDatabase("igw_ledger") : null;
        var file = Path.Combine(Path.GetTempPath(), $"igw-ledger-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = provider == "postgres"
                ? (ControlPlaneDbContext)new NpgsqlControlPlaneDbContext(new DbContextOptionsBuilder<NpgsqlControlPlaneDbContext>().UseNpgsql(database!.ConnectionString).Options)
                : new SqliteControlPlaneDbContext(new DbContextOptionsBuilder<SqliteControlPlaneDbContext>().UseSqlite($"Data Source={file};Pooling=false").Options);
            await db.Database.MigrateAsync();
            var plan = new Plan { Id = Guid.NewGuid(), Name = "p", Currency = "USD" };
            var tenant = new Tenant { Id = Guid.NewGuid(), Slug = "acme", DisplayName = "Acme", PlanId = plan.Id };
            db.AddRange(plan, tenant);
            await db.SaveChangesAsync();

            var minute = new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero);
            UsageReported Batch(DateTimeOffset at, long requests) => new()
            {
                BatchId = Guid.CreateVersion7(),
                NodeId = "n1",
                CreatedAt = at,
                Cells =
                [
                    new UsageCell
                    {
                        TenantId = tenant.Id, CredentialId = "k1", CredentialKind = "api-key", Model = "chat", Minute = at,
                        Requests2xx = requests, Requests5xx = 1, BytesIn = 100, InputTokens = 10 * requests, OutputTokens = 3, EstimatedOutputTokens = 3,
                        LatencySumMicros = 5000, LatencyBuckets = [requests, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                    },
                    new UsageCell
                    {
                        TenantId = Guid.NewGuid(), CredentialId = "k9", CredentialKind = "api-key", Model = "chat", Minute = at, Requests2xx = 99,
                        LatencyBuckets = [99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                    },
                ],
            };

            var ledger = new UsageLedger(db, new QuotaPushSignal(), TimeProvider.System, NullLogger<UsageLedger>.Instance);
            var first = Batch(minute, 2);
            Assert.True(await ledger.ApplyAsync(first, CancellationToken.None));
            Assert.False(await ledger.ApplyAsync(first, CancellationToken.None));
            Assert.True(await ledger.ApplyAsync(Batch(minute.AddSeconds(30), 4), CancellationToken.None));
            Assert.True(await ledger.ApplyAsync(Batch(minute.AddMinutes(1), 1), CancellationToken.None));

            var rows = await db.UsageAggregates.AsNoTracking().ToListAsync();
            Assert.All(rows, r => Assert.Equal(tenant.Id, r.TenantId));
            var minutes = rows.Where(r => r.Granularity == UsageGranularity.Minute).OrderBy(r => r.BucketStart).ToList();
            Assert.Equal([(minute, 6L, 2L), (minute.AddMinutes(1), 1L, 1L)], minutes.Select(r => (r.BucketStart, r.Requests2xx, r.Requests5xx)));
            var days = rows.Where(r => r.Granularity == UsageGranularity.Day).OrderBy(r => r.BucketStart).ToList();
            Assert.Equal([minute.Date, minute.AddMinutes(1).Date], days.Select(d => d.BucketStart.UtcDateTime));
            Assert.Equal((6L, 60L, 6L, 6L, 2L, 200L), (days[0].Requests2xx, days[0].InputTokens, days[0].OutputTokens, days[0].LatencyUpTo25Ms, days[0].LatencyOver60s, days[0].BytesIn));
            Assert.Equal(2, rows.Count(r => r.Granularity == UsageGranularity.Hour));

            // The month boundary in UTC: November holds the first two batches, December the third.
            var november = await QuotaConsumption.ReadAsync(db, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), null, CancellationToken.None);
            var december = await QuotaConsumption.ReadAsync(db, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), null, CancellationToken.None);
            Assert.Equal(new Consumed(8, 60, 6), november[tenant.Id]);
            Assert.Equal(new Consumed(2, 10, 3), december[tenant.Id]);
            Assert.Equal(3, await db.ProcessedUsageBatches.CountAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
