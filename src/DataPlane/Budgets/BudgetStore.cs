namespace InferenceGateway.DataPlane.Budgets;

/// <summary>
/// One budget counter of one period: its key (<c>t:{tenant}:m:202612</c>, <c>k:{credential}:d:20261201</c>), its
/// limit, the ledger's spend it never counts below, and when it can be forgotten (after its period).
/// </summary>
internal readonly record struct BudgetCounter(string Key, long Limit, long Floor, DateTimeOffset Expires);

/// <summary>How a reservation went: <see cref="Reserved"/>, or the index of the counter that had no room, or the store was unreachable.</summary>
internal readonly record struct ReserveResult(bool Reserved, int SpentCounter, bool Unavailable)
{
    public static ReserveResult Ok => new(true, -1, false);

    public static ReserveResult Spent(int counter) => new(false, counter, false);

    public static ReserveResult Down => new(false, -1, true);
}

/// <summary>Where a rule's budget counters live: on this node, or in Redis with leased slices.</summary>
internal interface IBudgetStore
{
    /// <summary>Reserves <paramref name="amount"/> on every counter at once, or on none.</summary>
    ValueTask<ReserveResult> ReserveAsync(BudgetCounter[] counters, long amount, CancellationToken cancellationToken);

    /// <summary>Turns a reservation into the real cost: gives back what was not spent, or charges what was spent beyond it.</summary>
    void Settle(BudgetCounter[] counters, long reserved, long actual);

    /// <summary>What is left of a counter as this store sees it (for tests and diagnostics).</summary>
    long Used(BudgetCounter counter);
}

/// <summary>
/// Budget counters on this node alone: exact for a single node (standalone, or no Redis configured) and the
/// fallback of a plan with <c>whenRedisDown: local</c>. One lock for all counters: only budgeted requests take
/// it, for a few additions.
/// </summary>
internal sealed class LocalBudgetStore(TimeProvider time) : IBudgetStore
{
    private readonly Dictionary<string, Entry> _counters = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _sinceSweep;

    public ValueTask<ReserveResult> ReserveAsync(BudgetCounter[] counters, long amount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Reserve(counters, amount));

    public ReserveResult Reserve(BudgetCounter[] counters, long amount)
    {
        lock (_lock)
        {
            for (var i = 0; i < counters.Length; i++)
            {
                var entry = EntryOf(counters[i]);
                if (entry.Used + amount > counters[i].Limit)
                {
                    return ReserveResult.Spent(i);
                }
            }

            foreach (var counter in counters)
            {
                _counters[counter.Key].Used += amount;
            }

            return ReserveResult.Ok;
        }
    }

    public void Settle(BudgetCounter[] counters, long reserved, long actual)
    {
        if (reserved == actual)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var counter in counters)
            {
                EntryOf(counter).Used += actual - reserved;
            }
        }
    }

    public long Used(BudgetCounter counter)
    {
        lock (_lock)
        {
            return EntryOf(counter).Used;
        }
    }

    /// <summary>The counter's entry, raised to the ledger's floor (a push that includes this node's own spend adds nothing twice).</summary>
    private Entry EntryOf(in BudgetCounter counter)
    {
        if (!_counters.TryGetValue(counter.Key, out var entry))
        {
            Sweep();
            _counters[counter.Key] = entry = new Entry { Expires = counter.Expires };
        }

        if (entry.Used < counter.Floor)
        {
            entry.Used = counter.Floor;
        }

        return entry;
    }

    private void Sweep()
    {
        if (++_sinceSweep < 1024)
        {
            return;
        }

        _sinceSweep = 0;
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _counters)
        {
            if (entry.Expires < now)
            {
                _counters.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public long Used;

        public DateTimeOffset Expires;
    }
}
