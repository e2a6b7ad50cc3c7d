using InferenceGateway.DataPlane.Cluster;
using StackExchange.Redis;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>Where cluster rate-limit leases come from: Redis in the node, a counting fake in the tests.</summary>
internal interface IRateLeaseStore
{
    /// <summary>Configured at all (a Redis connection string is set).</summary>
    bool Enabled { get; }

    /// <summary>Reachable now, as last seen; never blocks.</summary>
    bool Healthy { get; }

    string KeyPrefix { get; }

    /// <summary>One atomic lease of <paramref name="ask"/> units of the limit under <paramref name="key"/>.</summary>
    Task<LeaseReply> LeaseAsync(string key, ClusterWindow window, LeaseAsk ask);

    /// <summary>A lease failed: the store is to be treated as unreachable until its next health check.</summary>
    void ReportFailure();
}

/// <summary>Leases from Redis with <c>rate-lease.lua</c>, one script call per lease.</summary>
internal sealed class RedisRateLeaseStore(RedisConnection redis) : IRateLeaseStore
{
    internal static readonly RedisScript Script = RedisScript.Load("rate-lease.lua");

    public bool Enabled => redis.Enabled;

    public bool Healthy => redis.IsHealthy;

    public string KeyPrefix => redis.KeyPrefix;

    public Task<LeaseReply> LeaseAsync(string key, ClusterWindow window, LeaseAsk ask) =>
        redis.Database is { } database ? LeaseAsync(database, key, window, ask) : Task.FromException<LeaseReply>(new RedisException("Redis is not connected yet."));

    public void ReportFailure() => redis.ReportFailure();

    /// <summary>One call of the lease script (also what the tests drive directly).</summary>
    internal static async Task<LeaseReply> LeaseAsync(IDatabaseAsync database, string key, ClusterWindow window, LeaseAsk ask)
    {
        var result = await Script.EvaluateAsync(database, [key],
            [window.Limit, window.WindowMs, ask.Want, ask.Charge, ask.Next ? "1" : "0", ask.LeadMs]).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        return new LeaseReply((long)values[0], (long)values[1], (long)values[2], (long)values[3], (long)values[4]);
    }
}
