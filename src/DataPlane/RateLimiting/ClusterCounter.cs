using System.Diagnostics;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>What one rule decided for one request, and what the RateLimit-* headers say about it.</summary>
internal struct LimitDecision
{
    public bool Admitted;
    public long Limit;
    public long Remaining;

    /// <summary>Seconds until the rule has room again (its window ends, or its bucket refills).</summary>
    public long ResetSeconds;
}

/// <summary>
/// One cluster-wide limit (a key's or a tenant's) on this node: the units it leased from the limit's current Redis
/// window, a lease of the next window fetched before this one ends, and the counts of its Redis-down fallback.
/// Requests only take from the lease under a short lock; leases are fetched by <see cref="ClusterLeaseWorker"/>,
/// never on the request path. A node that holds no lease for a window (its first requests, or after an idle spell)
/// admits up to <see cref="CreditFor"/> requests on credit while its lease is on the way, charged to Redis with that
/// lease: that is the whole overshoot, at most that many per node per window, and none at all while traffic is
/// steady (the next window's lease is then already there).
/// </summary>
internal sealed class ClusterCounter(string redisKey, ClusterWindow window)
{
    /// <summary>A lease is asked for this long before its window ends, so the next window starts with units in hand.</summary>
    public const long PrefetchLeadMs = 100;

    /// <summary>The lease aims to last this long at the node's observed rate.</summary>
    private const double LeaseHorizonSeconds = 0.25;

    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;
    private readonly Lock _lock = new();

    private long _window = -1;
    private long _endTicks;
    private long _available;
    private long _counted;
    private bool _full;

    private long _nextWindow = -1;
    private long _nextEndTicks;
    private long _nextAvailable;
    private long _nextCounted;

    private bool _pending;
    private long _credit;
    private long _creditUsed;
    private long _demand;
    private long _lastAskTicks;
    private double _rate;

    private long _localWindow = -1;
    private long _localCount;

    public string RedisKey { get; } = redisKey;

    public ClusterWindow Window { get; } = window;

    /// <summary>When a request last asked (a Stopwatch timestamp), for sweeping idle counters.</summary>
    public long LastUsed;

    /// <summary>Units of the current lease not yet used (tests and diagnostics).</summary>
    public long Available
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }
    }

    /// <summary>Takes one unit of the lease. True in <paramref name="wantsLease"/>: queue this counter for the lease worker.</summary>
    public void TryAdmit(long now, long unixMs, ref LimitDecision decision, out bool wantsLease)
    {
        LastUsed = now;
        lock (_lock)
        {
            Rotate(now);
            _demand++;
            if (_available > 0)
            {
                _available--;
                decision.Admitted = true;
            }
            else if (_window < 0 && _creditUsed < CreditFor(Window.Limit))
            {
                // No lease for this window yet and nothing known against it: on credit, until the lease comes.
                _creditUsed++;
                _credit++;
                decision.Admitted = true;
            }

            decision.Limit = Window.Limit;
            decision.Remaining = _window < 0 ? Math.Max(0, Window.Limit - _creditUsed) : Math.Max(0, Window.Limit - _counted) + _available;
            decision.ResetSeconds = _window < 0
                ? Math.Max(1, (Window.WindowMs - (unixMs % Window.WindowMs) + 999) / 1000)
                : Math.Max(1, (long)Math.Ceiling((_endTicks - now) / TicksPerMs / 1000));
            wantsLease = !_pending && NeedsLease(now);
            if (wantsLease)
            {
                _pending = true;
            }
        }
    }

    /// <summary>The Redis-down mode <c>local</c>: this node's fair share of each window, counted on its own clock.</summary>
    public void TryAdmitLocal(long unixMs, int liveNodes, ref LimitDecision decision)
    {
        var share = Math.Max(1, Window.Limit / Math.Max(1, liveNodes));
        var index = unixMs / Window.WindowMs;
        lock (_lock)
        {
            if (index != _localWindow)
            {
                _localWindow = index;
                _localCount = 0;
            }

            decision.Admitted = _localCount < share;
            if (decision.Admitted)
            {
                _localCount++;
            }

            decision.Limit = share;
            decision.Remaining = share - _localCount;
            decision.ResetSeconds = Math.Max(1, (((index + 1) * Window.WindowMs) - unixMs + 999) / 1000);
        }
    }

    /// <summary>What the worker should ask Redis for now: the current window or the next, how many units, and the credit to charge.</summary>
    public LeaseAsk PrepareAsk(long now)
    {
        lock (_lock)
        {
            Rotate(now);
            var elapsed = _lastAskTicks == 0 ? 0 : (now - _lastAskTicks) / (double)Stopwatch.Frequency;
            if (elapsed > 0)
            {
                var observed = _demand / elapsed;
                _rate = _rate == 0 ? observed : (0.5 * _rate) + (0.5 * observed);
            }

            _lastAskTicks = now;
            _demand = 0;
            var want = (long)Math.Clamp(Math.Ceiling(_rate * LeaseHorizonSeconds), 1, LeaseCap(Window.Limit));
            var next = _window >= 0 && (_full || _endTicks - now <= PrefetchLeadMs * TicksPerMs);
            var charge = _credit;
            return new LeaseAsk(want, next && charge == 0, charge);
        }
    }

    /// <summary>Takes what Redis granted. <paramref name="sentAt"/> is when the ask left: the window's end is reckoned from it, never later than Redis's.</summary>
    public void Apply(LeaseAsk ask, LeaseReply reply, long sentAt, long receivedAt)
    {
        lock (_lock)
        {
            _pending = false;
            _credit -= ask.Charge;
            var endTicks = sentAt + (long)(reply.MsUntilEnd * TicksPerMs);
            Rotate(receivedAt);
            if (endTicks <= receivedAt || (_window >= 0 && reply.Window < _window))
            {
                return; // a window that has ended meanwhile: its units are of no use now
            }

            if (reply.MsUntilStart > 0 || reply.Window == _nextWindow)
            {
                // The next window's lease: kept until this window ends.
                _nextWindow = reply.Window;
                _nextEndTicks = endTicks;
                _nextAvailable += reply.Granted;
                _nextCounted = reply.Counted;
                return;
            }

            if (reply.Window != _window)
            {
                _window = reply.Window;
                _available = 0;
                _full = false;
            }

            _endTicks = endTicks;
            _available += reply.Granted;
            _counted = reply.Counted;
            _full |= reply.Granted < ask.Want || reply.Counted >= Window.Limit;
        }
    }

    /// <summary>The ask failed (Redis unreachable): let a later request ask again.</summary>
    public void Failed()
    {
        lock (_lock)
        {
            _pending = false;
        }
    }

    /// <summary>Requests a node without a lease for the window may admit on credit: 1% of the limit, at least one.</summary>
    internal static long CreditFor(long limit) => Math.Max(1, limit / 100);

    /// <summary>A lease holds at most a tenth of the window: a node cannot sit on units the others need.</summary>
    internal static long LeaseCap(long limit) => Math.Max(1, limit / 10);

    private bool NeedsLease(long now)
    {
        if (_window < 0)
        {
            return true;
        }

        var nearEnd = _endTicks - now <= PrefetchLeadMs * TicksPerMs;
        if (nearEnd)
        {
            return _nextWindow < 0;
        }

        return !_full && _available <= Math.Max(1, (long)Math.Ceiling(_rate * LeaseHorizonSeconds) / 2);
    }

    private void Rotate(long now)
    {
        if (_window >= 0 && now >= _endTicks)
        {
            _window = -1;
            _available = 0;
            _full = false;
            _creditUsed = 0;
            if (_nextWindow >= 0)
            {
                if (now < _nextEndTicks)
                {
                    _window = _nextWindow;
                    _endTicks = _nextEndTicks;
                    _available = _nextAvailable;
                    _counted = _nextCounted;
                }

                _nextWindow = -1;
                _nextAvailable = 0;
            }
        }
        else if (_window < 0 && _nextWindow >= 0 && now < _nextEndTicks)
        {
            _window = _nextWindow;
            _endTicks = _nextEndTicks;
            _available = _nextAvailable;
            _counted = _nextCounted;
            _nextWindow = -1;
            _nextAvailable = 0;
        }
    }
}

internal readonly record struct LeaseAsk(long Want, bool Next, long Charge);

internal readonly record struct LeaseReply(long Window, long Granted, long MsUntilStart, long MsUntilEnd, long Counted);
