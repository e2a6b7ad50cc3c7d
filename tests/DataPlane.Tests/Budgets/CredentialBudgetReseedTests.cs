using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Budgets;
using InferenceGateway.DataPlane.Cluster;
using InferenceGateway.TestSupport.Topology;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Tests.Budgets;

/// <summary>
/// A credential's budget counters count from that credential's spend in the ledger (the control plane's push), in
/// Redis and on the node, under the tenant's rule: a counter is raised to the ledger's figure, never lowered below
/// what it holds. So a Redis that lost its data (FLUSHALL on a Redis server of the test's own) does not give a key a
/// fresh budget.
/// </summary>
public sealed class CredentialBudgetReseedTests
{
    private const long Nano = 1_000_000_000;

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Guid Spender = Guid.NewGuid();

    private static readonly Guid Fresh = Guid.NewGuid();

    /// <summary>A 1.00 monthly and 0.95 daily budget per key; the ledger says <see cref="Spender"/> spent 0.90 this month, today.</summary>
    private static BudgetPolicy Policy(string keyMode = "enforce") => BudgetPolicy.For(
        Guid.NewGuid(),
        new PlanBudgetSnapshot
        {
            Currency = "USD", PricePer1KRequests = 1m, PricePer1MInputTokens = 0m, PricePer1MOutputTokens = 0m,
            KeyMonthly = 1.00m, KeyDaily = 0.95m, TenantMode = "enforce", KeyMode = keyMode, WhenRedisDown = "closed",
        },
        new TenantQuotaUsage
        {
            PeriodStart = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), Requests = 900, InputTokens = 0, OutputTokens = 0,
            Spend = 0.90m, Day = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), DaySpend = 0.90m,
            Credentials = [new CredentialSpend { CredentialId = Spender, Spend = 0.90m, DaySpend = 0.90m }],
        })!;

    [Fact]
    public void KeyCounters_StartFromThatCredentialsLedgerSpend_OtherCredentialsFromZero_AShadowRuleFromZero()
    {
        var policy = Policy();
        var spender = BudgetCounters.Key(policy, Spender, Now);
        Assert.Equal([900_000_000L, 900_000_000L], spender.Select(c => c.Floor));
        Assert.All(BudgetCounters.Key(policy, Fresh, Now), c => Assert.Equal(0, c.Floor));
        Assert.All(BudgetCounters.Key(Policy(keyMode: "shadow"), Spender, Now), c => Assert.Equal(0, c.Floor));

        // A push of November seeds nothing in January.
        Assert.All(BudgetCounters.Key(policy, Spender, Now.AddMonths(1)), c => Assert.Equal(0, c.Floor));

        // The node's own counters (no Redis, or whenRedisDown: local) follow the same floor: 0.05 is left today.
        var local = new LocalBudgetStore(TimeProvider.System);
        Assert.False(local.Reserve(spender, Nano / 10).Reserved);
        Assert.True(local.Reserve(spender, Nano / 20).Reserved);
        Assert.True(local.Reserve(BudgetCounters.Key(policy, Fresh, Now), Nano * 9 / 10).Reserved);
    }

    [Fact]
    public async Task RedisFlushed_TheKeyCounterIsReseededFromTheLedger_AndAHigherCounterIsNeverLowered()
    {
        await using var redis = new RedisServer(Path.Combine(Path.GetTempPath(), "igw-redis-tests"));
        await redis.StartAsync();
        var options = new RedisOptions
        {
            ConnectionString = redis.ConnectionString,
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            HealthInterval = TimeSpan.FromMilliseconds(100),
            KeyPrefix = $"igwtest:{Guid.NewGuid():N}:",
        };
        var connection = new RedisConnection(Options.Create(options), NullLogger<RedisConnection>.Instance);
        await connection.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!connection.IsHealthy && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(connection.IsHealthy, "the test's Redis is reachable");
            var policy = Policy();
            var month = BudgetCounters.Key(policy, Spender, Now)[0];
            var db = connection.Database!;

            // Another node's slices took the month's counter past the ledger's 0.90: it keeps its higher figure.
            await db.StringSetAsync(ClusterKeys.Budget(options.KeyPrefix, month.Key), 980_000_000);
            using (var store = Store(connection))
            {
                Assert.False((await store.ReserveAsync(BudgetCounters.Key(policy, Spender, Now), Nano / 20, CancellationToken.None)).Reserved);
                Assert.Equal(980_000_000, (long)await db.StringGetAsync(ClusterKeys.Budget(options.KeyPrefix, month.Key)));
            }

            // Redis loses its data. Without the seed the counter would start from zero and grant a fresh budget.
            await redis.FlushAllAsync();
            using (var store = Store(connection))
            {
                var counters = BudgetCounters.Key(policy, Spender, Now);
                var refused = await store.ReserveAsync(counters, Nano / 10, CancellationToken.None);
                Assert.False(refused.Reserved);
                Assert.False(refused.Unavailable);
                Assert.True((await store.ReserveAsync(counters, Nano / 20, CancellationToken.None)).Reserved);
                var used = (long)await db.StringGetAsync(ClusterKeys.Budget(options.KeyPrefix, month.Key));
                Assert.InRange(used, 950_000_000, 1_000_000_000);

                // A credential the ledger holds nothing for has its whole budget.
                Assert.True((await store.ReserveAsync(BudgetCounters.Key(policy, Fresh, Now), Nano * 9 / 10, CancellationToken.None)).Reserved);
            }
        }
        finally
        {
            await connection.StopAsync(CancellationToken.None);
        }
    }

    private static RedisBudgetStore Store(RedisConnection connection) => new(connection, TimeProvider.System, NullLogger<RedisBudgetStore>.Instance);
}
