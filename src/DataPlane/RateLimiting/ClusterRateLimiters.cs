using System.Collections.Concurrent;
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
internal sealed class ClusterRateLimiters(IRateLeaseStore store, ClusterMembership membership, TimeProvider time)
{
    // Two maps keyed by the id alone (as RateLimiters has): a (Guid, bool) tuple key cost an allocation per lookup.
    private readonly ConcurrentDictionary<Guid, ClusterCounter> _keys = new();
    private readonly ConcurrentDictionary<Guid, ClusterCounter> _tenants = new();
    private readonly Channel<ClusterCounter> _asks = Channel.CreateBounded<ClusterCounter>(
        new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Cluster-wide rules can be counted in Redis on this node (configured and reachable now).</summary>
    public bool Available => store.Enabled && store.Healthy;

    public bool Configured => store.Enabled;

    internal IRateLeaseStore Store => store;

    internal TimeProvider Time => time;

    internal int LiveNodes => membership.LiveNodes;

    internal ChannelReader<ClusterCounter> Asks => _asks.Reader;

    public int Count => _keys.Count + _tenants.Count;

    public void Admit(Guid id, bool tenant, double perSecond, int burst, RedisDownMode whenDown, ref LimitDecision decision)
    {
        var counter = Get(id, tenant, perSecond, burst);
        if (!store.Healthy)
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

        counter.TryAdmit(time.GetTimestamp(), time.GetUtcNow().ToUnixTimeMilliseconds(), membership.LiveNodes, ref decision, out var wantsLease);
        if (wantsLease && !_asks.Writer.TryWrite(counter))
        {
            counter.Failed();
        }
    }

    /// <summary>Drops counters nobody asked for in <paramref name="idle"/>.</summary>
    public void Sweep(TimeSpan idle)
    {
        var before = time.GetTimestamp() - (long)(idle.TotalSeconds * time.TimestampFrequency);
        foreach (var map in new[] { _keys, _tenants })
        {
            foreach (var (id, counter) in map)
            {
                if (counter.LastUsed < before)
                {
                    map.TryRemove(new KeyValuePair<Guid, ClusterCounter>(id, counter));
                }
            }
        }
    }

    internal ClusterCounter Get(Guid id, bool tenant, double perSecond, int burst)
    {
        var window = ClusterWindow.For(perSecond, burst);
        var map = tenant ? _tenants : _keys;
        return map.TryGetValue(id, out var counter) && counter.Window == window ? counter : Add(map, id, tenant, window);
    }

    /// <summary>New, or the plan changed: a fresh counter under a key that names the limit, so old counts do not apply.</summary>
    /// <remarks>Apart from <see cref="Get"/>, whose lambda-free fast path then allocates nothing (a captured variable would cost a closure per call).</remarks>
    private ClusterCounter Add(ConcurrentDictionary<Guid, ClusterCounter> map, Guid id, bool tenant, ClusterWindow window)
    {
        var fresh = new ClusterCounter(ClusterKeys.RateLimit(store.KeyPrefix, tenant, id, window.Limit, window.WindowMs), window, time.TimestampFrequency);
        return map.AddOrUpdate(id, fresh, (_, old) => old.Window == window ? old : fresh);
    }
}
