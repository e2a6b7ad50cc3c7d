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
    public void Reconfigure_SmallerBurst_DoesNotRefillSpentTokens()
    {
        using var limiter = new TokenBucketLimiter(perSecond: 0.001, burst: 10);
        for (var i = 0; i < 8; i++)
        {
            using var lease = limiter.AttemptAcquire();
        }

        limiter.Reconfigure(0.001, 5);

        Assert.Equal(5, limiter.Burst);
        using (var ok = limiter.AttemptAcquire())
        {
            Assert.True(ok.IsAcquired);
        }

        using var refused = limiter.AttemptAcquire();
        Assert.True(refused.IsAcquired || limiter.GetStatistics().CurrentAvailablePermits == 0);
        Assert.Equal(0, limiter.GetStatistics().CurrentAvailablePermits);
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
