using System.Collections.Concurrent;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// One bucket per key and one per tenant, kept across configuration swaps (a new revision must not refill
/// everyone's bucket). Limits are per node; buckets of keys and tenants idle for a while are dropped.
/// </summary>
internal sealed class RateLimiters
{
    private static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<Guid, TokenBucketLimiter> _keys = new();
    private readonly ConcurrentDictionary<Guid, TokenBucketLimiter> _tenants = new();

    public TokenBucketLimiter ForKey(Guid keyId, double perSecond, int burst) => Get(_keys, keyId, perSecond, burst);

    public TokenBucketLimiter ForTenant(Guid tenantId, double perSecond, int burst) => Get(_tenants, tenantId, perSecond, burst);

    public int Count => _keys.Count + _tenants.Count;

    /// <summary>Keys asked for a permit after <paramref name="since"/> (a Stopwatch timestamp), with when they last were.</summary>
    public IEnumerable<(Guid KeyId, long LastUsed)> KeysUsedSince(long since)
    {
        foreach (var (id, limiter) in _keys)
        {
            var last = limiter.LastUsed;
            if (last > since)
            {
                yield return (id, last);
            }
        }
    }

    /// <summary>Drops buckets that have been full and unused for <paramref name="idleLimit"/> (default 10 minutes).</summary>
    public void Sweep(TimeSpan? idleLimit = null)
    {
        foreach (var map in new[] { _keys, _tenants })
        {
            foreach (var (id, limiter) in map)
            {
                if (limiter.IdleDuration is { } idle && idle > (idleLimit ?? IdleLimit))
                {
                    map.TryRemove(id, out _);
                }
            }
        }
    }

    private static TokenBucketLimiter Get(ConcurrentDictionary<Guid, TokenBucketLimiter> map, Guid id, double perSecond, int burst)
    {
        var limiter = map.GetOrAdd(id, static (_, limits) => new TokenBucketLimiter(limits.perSecond, limits.burst), (perSecond, burst));
        if (limiter.PerSecond != perSecond || limiter.Burst != burst)
        {
            limiter.Reconfigure(perSecond, burst);
        }

        return limiter;
    }
}

/// <summary>Sweeps idle buckets once a minute.</summary>
internal sealed class RateLimiterSweeper(RateLimiters limiters, ConcurrencyLimiters concurrency, ClusterRateLimiters cluster) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            limiters.Sweep();
            concurrency.Sweep();
            cluster.Sweep(TimeSpan.FromMinutes(10));
        }
    }
}
