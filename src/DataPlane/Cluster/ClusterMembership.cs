using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Cluster;

/// <summary>
/// The live nodes, as Redis sees them: each node stamps its id into one sorted set every health interval, and
/// counts the ids stamped in the last <see cref="LiveFor"/>. The last count seen is kept while Redis is down: it is
/// what the <c>local</c> Redis-down mode divides a limit by (1 if Redis was never reached).
/// </summary>
internal sealed class ClusterMembership(RedisConnection redis, IOptions<RedisOptions> options, IOptions<DataPlaneOptions> node, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan LiveFor = TimeSpan.FromSeconds(10);

    private volatile int _liveNodes = 1;

    public int LiveNodes => _liveNodes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.Enabled)
        {
            return;
        }

        var key = redis.KeyPrefix + "nodes";
        using var timer = new PeriodicTimer(options.Value.HealthInterval);
        do
        {
            if (redis is { IsHealthy: true, Database: { } database })
            {
                try
                {
                    var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                    await database.SortedSetAddAsync(key, node.Value.NodeId, now).ConfigureAwait(false);
                    await database.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now - LiveFor.TotalMilliseconds).ConfigureAwait(false);
                    await database.KeyExpireAsync(key, LiveFor * 3).ConfigureAwait(false);
                    _liveNodes = (int)Math.Max(1, await database.SortedSetLengthAsync(key).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
                {
                    redis.ReportFailure();
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
