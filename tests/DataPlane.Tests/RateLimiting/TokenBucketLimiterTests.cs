using System.Threading.RateLimiting;
using InferenceGateway.DataPlane.RateLimiting;

namespace InferenceGateway.DataPlane.Tests.RateLimiting;

public sealed class TokenBucketLimiterTests
{
    [Fact]
    public void AttemptAcquire_BeyondTheBurst_IsRefusedWithARetryAfter()
    {
        using var limiter = new TokenBucketLimiter(perSecond: 0.5, burst: 3);

        for (var i = 0; i < 3; i++)
        {
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired, $"request {i + 1} of the burst");
        }

        using var refused = limiter.AttemptAcquire();
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Reconfigure_SmallerBurst_CapsTheTokensLeft()
    {
        using var limiter = new TokenBucketLimiter(perSecond: 0.001, burst: 10);
        for (var i = 0; i < 2; i++)
        {
            using var lease = limiter.AttemptAcquire();
        }

        limiter.Reconfigure(0.001, 5);

        Assert.Equal(5, limiter.Burst);
        for (var i = 0; i < 5; i++)
        {
            using var ok = limiter.AttemptAcquire();
            Assert.True(ok.IsAcquired, $"permit {i + 1} of the new burst");
        }

        using var refused = limiter.AttemptAcquire();
        Assert.False(refused.IsAcquired);
    }

    [Fact]
    public void Sweep_DropsBucketsThatRefilledAndStayedUnused_KeepsTheOthers()
    {
        var limiters = new RateLimiters();
        var idle = Guid.NewGuid();
        var busy = Guid.NewGuid();
        using (limiters.ForKey(idle, 1_000_000, 1).AttemptAcquire())
        using (limiters.ForKey(busy, 0.001, 1).AttemptAcquire())
        {
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedTicks < 100)
        {
            Thread.SpinWait(10);
        }

        limiters.Sweep(TimeSpan.Zero);

        Assert.Equal(1, limiters.Count);
        Assert.Equal([busy], limiters.KeysUsedSince(0).Select(k => k.KeyId));
    }

    [Fact]
    public void RateLimiters_SameKey_SharesOneBucketAcrossLookups()
    {
        var limiters = new RateLimiters();
        var key = Guid.NewGuid();
        var first = limiters.ForKey(key, 1, 2);

        Assert.Same(first, limiters.ForKey(key, 1, 2));
        Assert.NotSame(first, limiters.ForTenant(key, 1, 2));
        Assert.Same(first, limiters.ForKey(key, 5, 7));
        Assert.Equal(7, first.Burst);
    }
}
