namespace InferenceGateway.Contracts;

/// <summary>
/// The latency histogram both sides use: a request falls into the first bucket whose upper bound (inclusive, in
/// milliseconds) is at least its duration; the last bucket has no bound. Only ever add a bound at the end (before
/// the unbounded bucket) together with a new ledger column.
/// </summary>
public static class UsageLatencyBuckets
{
    /// <summary>Upper bounds of the bounded buckets, in milliseconds.</summary>
    public static readonly long[] UpperBoundsMs = [25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

    /// <summary>Buckets in a histogram: the bounded ones plus one for longer durations.</summary>
    public const int Count = 12;

    /// <summary>The bucket index of a duration given in microseconds.</summary>
    public static int IndexOf(long micros)
    {
        var bounds = UpperBoundsMs;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (micros <= bounds[i] * 1000)
            {
                return i;
            }
        }

        return bounds.Length;
    }
}
