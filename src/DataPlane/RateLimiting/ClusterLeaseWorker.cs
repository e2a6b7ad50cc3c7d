using System.Diagnostics;
using InferenceGateway.DataPlane.Cluster;
using StackExchange.Redis;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// Fetches leases for the counters the request path queued, off the request path: one atomic script call per lease
/// (<c>rate-lease.lua</c>). Calls are not awaited one by one, so one slow answer does not hold the others back.
/// </summary>
internal sealed partial class ClusterLeaseWorker(ClusterRateLimiters limiters, RedisConnection redis, ILogger<ClusterLeaseWorker> logger) : BackgroundService
{
    internal static readonly RedisScript Script = RedisScript.Load("rate-lease.lua");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.Enabled)
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

    internal async Task LeaseAsync(ClusterCounter counter)
    {
        var database = redis.Database;
        if (database is null || !redis.IsHealthy)
        {
            counter.Failed();
            return;
        }

        var sentAt = Stopwatch.GetTimestamp();
        var ask = counter.PrepareAsk(sentAt);
        try
        {
            var reply = await LeaseAsync(database, counter.RedisKey, counter.Window, ask).ConfigureAwait(false);
            counter.Apply(ask, reply, sentAt, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            counter.Failed();
            redis.ReportFailure();
            LogLeaseFailed(logger, ex.GetType().Name);
        }
    }

    /// <summary>One call of the lease script (also what the tests drive directly).</summary>
    internal static async Task<LeaseReply> LeaseAsync(IDatabaseAsync database, string key, ClusterWindow window, LeaseAsk ask)
    {
        var result = await Script.EvaluateAsync(database, [key],
            [window.Limit, window.WindowMs, ask.Want, ask.Charge, ask.Next ? "1" : "0", ClusterCounter.PrefetchLeadMs]).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        return new LeaseReply((long)values[0], (long)values[1], (long)values[2], (long)values[3], (long)values[4]);
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Debug, Message = "A cluster rate-limit lease failed ({Error}); the rule uses its Redis-down mode until Redis answers")]
    private static partial void LogLeaseFailed(ILogger logger, string error);
}
