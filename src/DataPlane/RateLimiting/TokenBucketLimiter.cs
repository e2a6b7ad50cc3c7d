using System.Diagnostics;
using System.Threading.RateLimiting;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// A token bucket that refills lazily from the clock when asked, instead of on a timer: ten thousand keys
/// cost ten thousand small objects, not ten thousand timers. No queueing: a request either gets a token now or
/// learns how long until one is available.
/// </summary>
internal sealed class TokenBucketLimiter : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(true, null);
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastRefill;
    private double _tokensPerTick;
    private long _created;

    public TokenBucketLimiter(double perSecond, int burst)
    {
        PerSecond = perSecond;
        Burst = burst;
        _tokensPerTick = perSecond / Stopwatch.Frequency;
        _tokens = burst;
        _lastRefill = _created = Stopwatch.GetTimestamp();
    }

    /// <summary>When a permit was last asked for (a <see cref="Stopwatch"/> timestamp; 0 before the first request).</summary>
    public long LastUsed { get; private set; }

    public double PerSecond { get; private set; }

    public int Burst { get; private set; }

    /// <summary>How long since the bucket was last asked for a permit, once it has refilled completely; null while it has not.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                Refill(Stopwatch.GetTimestamp());
                return _tokens >= Burst ? Stopwatch.GetElapsedTime(LastUsed == 0 ? _created : LastUsed) : null;
            }
        }
    }

    /// <summary>Adopts a plan's new rate and burst without losing the tokens already spent.</summary>
    public void Reconfigure(double perSecond, int burst)
    {
        lock (_lock)
        {
            Refill(Stopwatch.GetTimestamp());
            PerSecond = perSecond;
            Burst = burst;
            _tokensPerTick = perSecond / Stopwatch.Frequency;
            _tokens = Math.Min(_tokens, burst);
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_lock)
        {
            Refill(Stopwatch.GetTimestamp());
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)_tokens };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            LastUsed = now;
            Refill(now);
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                return Granted;
            }

            var wait = TimeSpan.FromSeconds(Math.Min((permitCount - _tokens) / PerSecond, 86_400));
            return new Lease(false, wait);
        }
    }

    /// <summary>Takes one token without allocating, and says what the RateLimit-* headers need.</summary>
    public void TryAcquire(ref LimitDecision decision, out double retryAfterSeconds)
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            LastUsed = now;
            Refill(now);
            decision.Admitted = _tokens >= 1;
            if (decision.Admitted)
            {
                _tokens -= 1;
            }

            retryAfterSeconds = decision.Admitted ? 0 : Math.Min((1 - _tokens) / PerSecond, 86_400);
            decision.Limit = Burst;
            decision.Remaining = (long)Math.Floor(_tokens);
            decision.ResetSeconds = (long)Math.Ceiling(Math.Min((Burst - _tokens) / PerSecond, 86_400));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill(long now)
    {
        var elapsed = now - _lastRefill;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed * _tokensPerTick));
            _lastRefill = now;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
