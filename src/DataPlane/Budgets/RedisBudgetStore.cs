using InferenceGateway.DataPlane.Cluster;
using StackExchange.Redis;

namespace InferenceGateway.DataPlane.Budgets;

/// <summary>
/// Budget counters in Redis, shared by every node, with leased slices: a counter in Redis holds what the fleet
/// committed (spent plus leased), and a node leases a slice of the room left (what it needs plus 1/8 of the rest)
/// with one atomic Lua script over every counter of a rule, then reserves from its slices locally. A request larger
/// than its node's slices asks Redis for what is missing; settling gives the unspent part back to the node's slice,
/// and a slice unused for <see cref="LeaseIdle"/> goes back to Redis. Redis never grants more than a counter's limit,
/// and a request never spends more than it reserved (the stream cut), so a budget holds across nodes.
/// </summary>
internal sealed partial class RedisBudgetStore : IClusterBudgetStore, IDisposable
{
    /// <summary>How long a node keeps a slice nobody uses before giving it back.</summary>
    public static readonly TimeSpan LeaseIdle = TimeSpan.FromSeconds(2);

    private const int ShareDivisor = 8;

    private static readonly RedisScript LeaseScript = RedisScript.Load("budget-lease.lua");
    private static readonly RedisScript ReturnScript = RedisScript.Load("budget-return.lua");

    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisBudgetStore> _logger;
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ITimer _returner;

    public RedisBudgetStore(RedisConnection redis, TimeProvider time, ILogger<RedisBudgetStore> logger)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
        _returner = time.CreateTimer(_ => ReturnIdle(), null, LeaseIdle, LeaseIdle);
    }

    public bool Healthy => _redis.IsHealthy;

    public async ValueTask<ReserveResult> ReserveAsync(BudgetCounter[] counters, long amount, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var taken = new long[counters.Length];
        var missing = false;
        lock (_lock)
        {
            for (var i = 0; i < counters.Length; i++)
            {
                var lease = LeaseOf(counters[i]);
                taken[i] = Math.Min(lease.Available, amount);
                missing |= taken[i] < amount;
            }

            foreach (var (counter, i) in counters.Select((c, i) => (c, i)))
            {
                var lease = _leases[counter.Key];
                lease.Available -= taken[i];
                lease.LastUse = now;
            }
        }

        if (!missing)
        {
            return ReserveResult.Ok;
        }

        var result = await LeaseAsync(counters, amount, taken);
        lock (_lock)
        {
            for (var i = 0; i < counters.Length; i++)
            {
                var lease = LeaseOf(counters[i]);
                lease.Available += result.Grants is { } grants ? grants[i] - (amount - taken[i]) : taken[i];
            }
        }

        return result.Outcome;
    }

    public void Settle(BudgetCounter[] counters, long reserved, long actual)
    {
        if (reserved == actual)
        {
            return;
        }

        List<(BudgetCounter Counter, long Extra)>? charges = null;
        lock (_lock)
        {
            foreach (var counter in counters)
            {
                var lease = LeaseOf(counter);
                lease.Available += reserved - actual;
                lease.LastUse = _time.GetTimestamp();
                if (lease.Available < 0)
                {
                    (charges ??= []).Add((counter, -lease.Available));
                    lease.Available = 0;
                }
            }
        }

        // A request that cost more than it reserved (a model counting its prompt beyond the margin): the fleet's counter gets the difference.
        if (charges is not null && _redis.Database is { } db)
        {
            foreach (var (counter, extra) in charges)
            {
                db.StringIncrement(KeyOf(counter), extra, CommandFlags.FireAndForget);
            }
        }
    }

    public long Used(BudgetCounter counter) =>
        _redis.Database is { } db && (long?)db.StringGet(KeyOf(counter)) is { } used ? used : 0;

    /// <summary>Asks Redis for what the node's slices lack, plus a share of the room left.</summary>
    private async Task<(ReserveResult Outcome, long[]? Grants)> LeaseAsync(BudgetCounter[] counters, long amount, long[] taken)
    {
        if (!_redis.IsHealthy || _redis.Database is not { } db)
        {
            return (ReserveResult.Down, null);
        }

        var keys = new RedisKey[counters.Length];
        var values = new RedisValue[1 + 4 * counters.Length];
        values[0] = ShareDivisor;
        for (var i = 0; i < counters.Length; i++)
        {
            keys[i] = KeyOf(counters[i]);
            values[1 + 4 * i] = counters[i].Limit;
            values[2 + 4 * i] = counters[i].Floor;
            values[3 + 4 * i] = amount - taken[i];
            values[4 + 4 * i] = counters[i].Expires.ToUnixTimeMilliseconds();
        }

        RedisResult result;
        try
        {
            result = await LeaseScript.EvaluateAsync(db, keys, values);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _redis.ReportFailure();
            LogLeaseFailed(_logger, ex.GetType().Name);
            return (ReserveResult.Down, null);
        }

        var grants = (long[])result!;
        return grants is [< 0 and var failed] ? (ReserveResult.Spent((int)(-failed - 1)), null) : (ReserveResult.Ok, grants);
    }

    /// <summary>Slices nobody used for a while go back to Redis, so other nodes can lease them.</summary>
    private void ReturnIdle()
    {
        if (!_redis.IsHealthy || _redis.Database is not { } db)
        {
            return;
        }

        List<(string Key, long Amount)> returns = [];
        lock (_lock)
        {
            foreach (var (key, lease) in _leases)
            {
                if (_time.GetElapsedTime(lease.LastUse) >= LeaseIdle)
                {
                    if (lease.Available > 0)
                    {
                        returns.Add((ClusterKeys.Budget(_redis.KeyPrefix, key), lease.Available));
                    }

                    _leases.Remove(key);
                }
            }
        }

        foreach (var (key, amount) in returns)
        {
            _ = ReturnScript.EvaluateAsync(db, [key], [amount]).ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private Lease LeaseOf(in BudgetCounter counter)
    {
        if (!_leases.TryGetValue(counter.Key, out var lease))
        {
            _leases[counter.Key] = lease = new Lease { LastUse = _time.GetTimestamp() };
        }

        return lease;
    }

    private RedisKey KeyOf(in BudgetCounter counter) => ClusterKeys.Budget(_redis.KeyPrefix, counter.Key);

    public void Dispose() => _returner.Dispose();

    private sealed class Lease
    {
        public long Available;

        public long LastUse;
    }

    [LoggerMessage(EventId = 851, Level = LogLevel.Debug, Message = "Leasing a budget slice from Redis failed ({Error}); the plan's Redis-down mode applies")]
    private static partial void LogLeaseFailed(ILogger logger, string error);
}
