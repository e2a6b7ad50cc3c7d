using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Budgets;
using InferenceGateway.DataPlane.Cluster;

namespace InferenceGateway.DataPlane.Tests.Cluster;

/// <summary>
/// Redis Cluster slot rules: every key a script touches comes from .NET (KEYS), and the keys one script call takes
/// share a hash tag naming their limit, so they hash to one slot; different limits hash apart.
/// </summary>
public sealed class ClusterKeysTests
{
    private static readonly Guid TenantId = Guid.Parse("0b5e0f4c-39a4-4c1e-9d51-2f7c3a1b9e01");
    private static readonly Guid OtherTenantId = Guid.Parse("7d2c4e6a-1f3b-4a5d-8c9e-0a1b2c3d4e5f");

    [Fact]
    public void RateLimit_NamesTheLimitInAHashTag()
    {
        var key = ClusterKeys.RateLimit("igw:", tenant: true, TenantId, 100, 1000);

        Assert.Equal("igw:rl:{t:0b5e0f4c39a44c1e9d512f7c3a1b9e01:100:1000}", key);
        Assert.Equal("t:0b5e0f4c39a44c1e9d512f7c3a1b9e01:100:1000", ClusterKeys.HashTagOf(key));
        Assert.Equal("igw:rl:{k:0b5e0f4c39a44c1e9d512f7c3a1b9e01:100:1000}", ClusterKeys.RateLimit("igw:", tenant: false, TenantId, 100, 1000));
    }

    [Fact]
    public void BudgetRule_MonthAndDayCounters_HashToOneSlot_AndTenantsApart()
    {
        var now = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var counters = BudgetCounters.Tenant(Policy(TenantId), now);
        var other = BudgetCounters.Tenant(Policy(OtherTenantId), now);
        var keys = BudgetCounters.Key(Policy(TenantId), OtherTenantId, now);

        Assert.Equal(["{t:0b5e0f4c39a44c1e9d512f7c3a1b9e01}:m:202612", "{t:0b5e0f4c39a44c1e9d512f7c3a1b9e01}:d:20261201"], counters.Select(c => c.Key));
        Assert.Equal("igw:budget:{t:0b5e0f4c39a44c1e9d512f7c3a1b9e01}:m:202612", ClusterKeys.Budget("igw:", counters[0].Key));
        Assert.Single(counters.Select(c => Slot(ClusterKeys.Budget("igw:", c.Key))).Distinct());
        Assert.Single(keys.Select(c => Slot(ClusterKeys.Budget("igw:", c.Key))).Distinct());
        Assert.NotEqual(Slot(ClusterKeys.Budget("igw:", counters[0].Key)), Slot(ClusterKeys.Budget("igw:", other[0].Key)));
        Assert.Equal(["monthly", "daily"], counters.Select(c => BudgetCounters.PeriodOf(c)));
    }

    [Theory]
    [InlineData("rate-lease.lua")]
    [InlineData("budget-lease.lua")]
    [InlineData("budget-return.lua")]
    public void Scripts_BuildNoKeyNames_TheyOnlyUseKeysPassedIn(string script)
    {
        var text = RedisScript.Load(script).Text;
        var code = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)));

        // A key built in Lua ("KEYS[1] .. ':' .. n") is invisible to Redis Cluster's routing; a key from KEYS is not.
        Assert.DoesNotMatch(@"KEYS\[[^\]]+\]\s*\.\.", code);
        Assert.DoesNotMatch(@"redis\.call\('[A-Z]+',\s*(?!\s|KEYS\[)", code);
    }

    [Fact]
    public void Prefix_WithABrace_IsRefusedAtStart()
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions { ConnectionString = "127.0.0.1:6379", KeyPrefix = "igw{x}:" });

        Assert.True(result.Failed);
        Assert.Contains("DataPlane:Redis:KeyPrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The slot Redis Cluster gives a key: CRC16 (XMODEM) of its hash tag, mod 16384.</summary>
    private static int Slot(string key) => SlotOf.Key(key);

    private static BudgetPolicy Policy(Guid tenantId) => BudgetPolicy.For(tenantId, new PlanBudgetSnapshot
    {
        Currency = "USD", PricePer1KRequests = 1m, PricePer1MInputTokens = 2m, PricePer1MOutputTokens = 6m,
        TenantMonthly = 10m, TenantDaily = 1m, KeyMonthly = 5m, KeyDaily = 0.5m, TenantMode = "enforce", KeyMode = "enforce", WhenRedisDown = "closed",
    }, null)!;

    private static class SlotOf
    {
        public static int Key(string key) => Crc16(System.Text.Encoding.UTF8.GetBytes(ClusterKeys.HashTagOf(key))) % 16384;

        private static int Crc16(byte[] bytes)
        {
            var crc = 0;
            foreach (var b in bytes)
            {
                crc ^= b << 8;
                for (var i = 0; i < 8; i++)
                {
                    crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                }
            }

            return crc & 0xFFFF;
        }
    }
}
