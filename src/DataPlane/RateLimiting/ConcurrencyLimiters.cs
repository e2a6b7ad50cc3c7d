using System.Collections.Concurrent;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// Requests in flight per key and per tenant on this node, kept across configuration swaps. A counter that
/// falls to zero may be swept; a swept counter is marked dead first, so a request racing the sweep retries
/// on a fresh one and no request is ever counted in a counter nobody reads.
/// </summary>
internal sealed class ConcurrencyLimiters
{
    private const int Dead = int.MinValue / 2;
    private readonly ConcurrentDictionary<Guid, Counter> _keys = new();
    private readonly ConcurrentDictionary<Guid, Counter> _tenants = new();

    /// <summary>Takes a slot of the key's, then of the tenant's; null (and nothing taken) when either is full.</summary>
    public Lease? TryAcquire(Guid keyId, int perKey, Guid tenantId, int perTenant, out bool keyFull)
    {
        keyFull = true;
        if (!TryTake(_keys, keyId, perKey, out var key))
        {
            return null;
        }

        keyFull = false;
        if (!TryTake(_tenants, tenantId, perTenant, out var tenant))
        {
            Interlocked.Decrement(ref key.InFlight);
            return null;
        }

        return new Lease(key, tenant);
    }

    public int InFlightForKey(Guid keyId) => _keys.TryGetValue(keyId, out var c) ? Math.Max(0, c.InFlight) : 0;

    public int InFlightForTenant(Guid tenantId) => _tenants.TryGetValue(tenantId, out var c) ? Math.Max(0, c.InFlight) : 0;

    /// <summary>Drops counters with nothing in flight.</summary>
    public void Sweep()
    {
        foreach (var map in new[] { _keys, _tenants })
        {
            foreach (var (id, counter) in map)
            {
                if (Interlocked.CompareExchange(ref counter.InFlight, Dead, 0) == 0)
                {
                    map.TryRemove(new KeyValuePair<Guid, Counter>(id, counter));
                }
            }
        }
    }

    private static bool TryTake(ConcurrentDictionary<Guid, Counter> map, Guid id, int limit, out Counter counter)
    {
        while (true)
        {
            counter = map.GetOrAdd(id, static _ => new Counter());
            var now = Interlocked.Increment(ref counter.InFlight);
            if (now < 0)
            {
                // Swept under us: help remove it and take a fresh one.
                map.TryRemove(new KeyValuePair<Guid, Counter>(id, counter));
                continue;
            }

            if (now > limit)
            {
                Interlocked.Decrement(ref counter.InFlight);
                return false;
            }

            return true;
        }
    }

    internal sealed class Counter
    {
        public int InFlight;
    }

    /// <summary>Gives both slots back when the request ends (response body included).</summary>
    internal sealed class Lease(Counter key, Counter tenant) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref key.InFlight);
                Interlocked.Decrement(ref tenant.InFlight);
            }
        }
    }
}
