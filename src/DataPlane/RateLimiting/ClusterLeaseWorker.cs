namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// Fetches leases for the counters the request path queued, off the request path: one atomic store call per lease
/// (<c>rate-lease.lua</c> in Redis). Calls are not awaited one by one, so one slow answer does not hold the others back.
/// </summary>
internal sealed partial class ClusterLeaseWorker(ClusterRateLimiters limiters, ILogger<ClusterLeaseWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!limiters.Store.Enabled)
        {
            return;
        }

        var reader = limiters.Asks;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var counter))
            {
                _ = LeaseAsync(counter);
            }
        }
    }

    /// <summary>One lease for <paramref name="counter"/>: asks, then hands the answer (or the failure) to the counter.</summary>
    internal async Task LeaseAsync(ClusterCounter counter)
    {
        var store = limiters.Store;
        if (!store.Healthy)
        {
            counter.Failed();
            return;
        }

        var time = limiters.Time;
        var sentAt = time.GetTimestamp();
        var ask = counter.PrepareAsk(sentAt);
        try
        {
            var reply = await store.LeaseAsync(counter.RedisKey, counter.Window, ask).ConfigureAwait(false);
            counter.Apply(ask, reply, sentAt, time.GetTimestamp());
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            counter.Failed();
            store.ReportFailure();
            LogLeaseFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Debug, Message = "A cluster rate-limit lease failed ({Error}); the rule uses its Redis-down mode until Redis answers")]
    private static partial void LogLeaseFailed(ILogger logger, string error);
}
