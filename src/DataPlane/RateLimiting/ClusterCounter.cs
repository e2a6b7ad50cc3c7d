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
/// Requests only take from the lease under a short lock (what a local token bucket costs); leases are fetched by
/// <see cref="ClusterLeaseWorker"/>, never on the request path. A lease lasts the node's own rate for
/// <see cref="LeaseHorizonSeconds"/> (or four lease round trips, if longer), and the next is asked for at the
/// low-water mark, half of that, so at a steady rate the next lease arrives before this one runs dry.
/// A node whose lease ran dry anyway (a slow answer) while the window is not known to be full admits on credit,
/// charged to Redis with its next lease: at most 1% of the limit over the live nodes per node and window, so the
/// fleet's overshoot stays within 1% of the limit. A node that holds no lease for a window at all (its first
/// requests, or after an idle spell) may take at least one request on that credit.
/// </summary>
internal sealed class ClusterCounter(string redisKey, ClusterWindow window, long frequency)
{
    /// <summary>A lease of the next window is asked for at least this long before the current window ends.</summary>
    public const long MinLeadMs = 100;

    /// <summary>A lease aims to last this long at the node's observed rate.</summary>
    public const double LeaseHorizonSeconds = 0.25;

    private readonly double _ticksPerMs = frequency / 1000.0;
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
    private bool _nextFull;

    private bool _pending;
    private long _credit;
    private long _creditUsed;
    private long _demand;
    private long _lastAskTicks;
    private double _rate;
    private double _roundTripTicks;

    private long _localWindow = -1;
    private long _localCount;

    public string RedisKey { get; } = redisKey;

    public ClusterWindow Window { get; } = window;

    /// <summary>When a request last asked (a timestamp of the limiters' clock), for sweeping idle counters.</summary>
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
    public void TryAdmit(long now, long unixMs, int liveNodes, ref LimitDecision decision, out bool wantsLease)
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
            else if ((_window < 0 || !_full) && _creditUsed < CreditFor(Window.Limit, liveNodes, cold: _window < 0))
            {
                // No units in hand, but nothing says the window is full: on credit, until the lease comes.
                _creditUsed++;
                _credit++;
                decision.Admitted = true;
            }

            decision.Limit = Window.Limit;
            decision.Remaining = _window < 0 ? Math.Max(0, Window.Limit - _creditUsed) : Math.Max(0, Window.Limit - _counted) + _available;
            decision.ResetSeconds = _window < 0
                ? Math.Max(1, (Window.WindowMs - (unixMs % Window.WindowMs) + 999) / 1000)
                : Math.Max(1, (long)Math.Ceiling((_endTicks - now) / _ticksPerMs / 1000));
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
            var elapsed = _lastAskTicks == 0 ? 0 : (now - _lastAskTicks) / (double)frequency;
            if (elapsed > 0)
            {
                var observed = _demand / elapsed;
                _rate = _rate == 0 ? observed : (0.5 * _rate) + (0.5 * observed);
            }

            _lastAskTicks = now;
            _demand = 0;
            var charge = _credit;
            var next = charge == 0 && _window >= 0 && _nextWindow < 0 && NearEnd(now);
            return new LeaseAsk(Want(), next, charge, LeadMs());
        }
    }

    /// <summary>Takes what Redis granted. <paramref name="sentAt"/> is when the ask left: the window's end is reckoned from it, never later than Redis's.</summary>
    public void Apply(LeaseAsk ask, LeaseReply reply, long sentAt, long receivedAt)
    {
        lock (_lock)
        {
            _pending = false;
            _credit -= ask.Charge;
            var trip = receivedAt - sentAt;
            _roundTripTicks = _roundTripTicks == 0 ? trip : (0.75 * _roundTripTicks) + (0.25 * trip);
            var endTicks = sentAt + (long)(reply.MsUntilEnd * _ticksPerMs);
            Rotate(receivedAt);
            if (endTicks <= receivedAt || (_window >= 0 && reply.Window < _window))
            {
                return; // a window that has ended meanwhile: its units are of no use now
            }

            var full = reply.Granted < ask.Want || reply.Counted >= Window.Limit;
            if (reply.MsUntilStart > 0 || reply.Window == _nextWindow)
            {
                // The next window's lease: kept until this window ends.
                if (reply.Window != _nextWindow)
                {
                    _nextAvailable = 0;
                    _nextFull = false;
                }

                _nextWindow = reply.Window;
                _nextEndTicks = endTicks;
                _nextAvailable += reply.Granted;
                _nextCounted = reply.Counted;
                _nextFull |= full;
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
            _full |= full;
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

    /// <summary>
    /// Requests a node may admit on credit in a window: 1% of the limit shared by the live nodes, so the whole fleet
    /// stays within 1% over; a node without any lease for the window (<paramref name="cold"/>) at least one.
    /// </summary>
    internal static long CreditFor(long limit, int liveNodes, bool cold)
    {
        var share = limit / (100 * (long)Math.Max(1, liveNodes));
        return cold ? Math.Max(1, share) : share;
    }

    /// <summary>A lease holds at most a tenth of the window: a node cannot sit on units the others need.</summary>
    internal static long LeaseCap(long limit) => Math.Max(1, limit / 10);

    /// <summary>The units a lease asks for: the node's rate over the lease's horizon, at least one, at most <see cref="LeaseCap"/>.</summary>
    private long Want() => (long)Math.Clamp(Math.Ceiling(_rate * HorizonSeconds()), 1, LeaseCap(Window.Limit));

    /// <summary>How long a lease is to last: a quarter of a second, or four round trips to Redis when they are slower.</summary>
    private double HorizonSeconds() => Math.Max(LeaseHorizonSeconds, 4 * _roundTripTicks / frequency);

    /// <summary>The low-water mark: the units that last half a horizon at the node's rate.</summary>
    private long LowWater() => Math.Max(1, (long)Math.Ceiling(_rate * HorizonSeconds() / 2));

    private long LeadMs() => Math.Clamp(Math.Max(MinLeadMs, (long)(4 * _roundTripTicks / _ticksPerMs)), MinLeadMs, Math.Max(MinLeadMs, Window.WindowMs / 2));

    private bool NearEnd(long now) => _endTicks - now <= LeadMs() * _ticksPerMs;

    private bool NeedsLease(long now)
    {
        if (_window < 0 || _credit > 0)
        {
            return true; // nothing in hand for this window, or credit to charge
        }

        if (NearEnd(now) && _nextWindow < 0)
        {
            return true; // the next window's lease, so it starts with units in hand
        }

        return !_full && _available <= LowWater();
    }

    private void Rotate(long now)
    {
        if (_window >= 0 && now >= _endTicks)
        {
            _window = -1;
            _available = 0;
            _full = false;
            _creditUsed = 0;
            if (_nextWindow >= 0 && now < _nextEndTicks)
            {
                TakeNext();
            }

            _nextWindow = -1;
            _nextAvailable = 0;
            _nextFull = false;
        }
        else if (_window < 0 && _nextWindow >= 0 && now < _nextEndTicks)
        {
            TakeNext();
            _nextWindow = -1;
            _nextAvailable = 0;
            _nextFull = false;
        }
    }

    private void TakeNext()
    {
        _window = _nextWindow;
        _endTicks = _nextEndTicks;
        _available = _nextAvailable;
        _counted = _nextCounted;
        _full = _nextFull;
    }
}

internal readonly record struct LeaseAsk(long Want, bool Next, long Charge, long LeadMs = ClusterCounter.MinLeadMs);

internal readonly record struct LeaseReply(long Window, long Granted, long MsUntilStart, long MsUntilEnd, long Counted);
