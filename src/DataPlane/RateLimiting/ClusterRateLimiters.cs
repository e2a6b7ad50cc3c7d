using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using InferenceGateway.DataPlane.Cluster;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>What a cluster-wide rule does while Redis cannot be reached.</summary>
internal enum RedisDownMode
{
    /// <summary>Each node enforces the limit divided by the number of live nodes last seen in Redis.</summary>
    Local,

    /// <summary>Every request the rule covers is refused (429) until Redis is back.</summary>
    Closed,
}

/// <summary>
/// The cluster-wide counters of keys and tenants on this node, kept across configuration swaps. Requests take from
/// a counter's lease; a counter that runs low is queued (without allocating) for <see cref="ClusterLeaseWorker"/>.
/// </summary>
internal sealed class ClusterRateLimiters(RedisConnection redis, ClusterMembership membership, TimeProvider time)
{
    private readonly ConcurrentDictionary<(Guid Id, bool Tenant), ClusterCounter> _counters = new();
    private readonly Channel<ClusterCounter> _asks = Channel.CreateBounded<ClusterCounter>(
        new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Cluster-wide rules can be counted in Redis on this node (configured and reachable now).</summary>
    public bool Available => redis.Enabled && redis.IsHealthy;

    public bool Configured => redis.Enabled;

    internal ChannelReader<ClusterCounter> Asks => _asks.Reader;

    public int Count => _counters.Count;

    public void Admit(Guid id, bool tenant, double perSecond, int burst, RedisDownMode whenDown, ref LimitDecision decision)
    {
        var counter = Get(id, tenant, perSecond, burst);
        if (!redis.IsHealthy)
        {
            if (whenDown == RedisDownMode.Closed)
            {
                decision.Admitted = false;
                decision.Limit = counter.Window.Limit;
                decision.Remaining = 0;
                decision.ResetSeconds = 1;
                return;
            }

            counter.TryAdmitLocal(time.GetUtcNow().ToUnixTimeMilliseconds(), membership.LiveNodes, ref decision);
            return;
        }

        counter.TryAdmit(Stopwatch.GetTimestamp(), time.GetUtcNow().ToUnixTimeMilliseconds(), ref decision, out var wantsLease);
        if (wantsLease && !_asks.Writer.TryWrite(counter))
        {
            counter.Failed();
        }
    }

    /// <summary>Drops counters nobody asked for in <paramref name="idle"/>.</summary>
    public void Sweep(TimeSpan idle)
    {
        var before = Stopwatch.GetTimestamp() - (long)(idle.TotalSeconds * Stopwatch.Frequency);
        foreach (var (id, counter) in _counters)
        {
            if (counter.LastUsed < before)
            {
                _counters.TryRemove(new KeyValuePair<(Guid, bool), ClusterCounter>(id, counter));
            }
        }
    }

    internal ClusterCounter Get(Guid id, bool tenant, double perSecond, int burst)
    {
        var window = ClusterWindow.For(perSecond, burst);
        if (_counters.TryGetValue((id, tenant), out var counter) && counter.Window == window)
        {
            return counter;
        }

        // New, or the plan changed: a fresh counter under a key that names the limit, so old counts do not apply.
        var fresh = new ClusterCounter($"{redis.KeyPrefix}rl:{(tenant ? 't' : 'k')}:{id:N}:{window.Limit}:{window.WindowMs}", window);
        return _counters.AddOrUpdate((id, tenant), fresh, (_, old) => old.Window == window ? old : fresh);
    }
}
