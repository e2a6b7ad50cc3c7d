using System.Globalization;

namespace InferenceGateway.DataPlane.Cluster;

/// <summary>
/// The names of every Redis key the node's scripts touch, built here and passed to the scripts as KEYS (a script
/// never builds a key name itself). Each names its limit in a hash tag (<c>{...}</c>): Redis Cluster puts every key
/// of one tag in one slot, so a script over a budget rule's month and day counters, or a rate limit's windows,
/// touches one slot and runs on one shard.
/// </summary>
internal static class ClusterKeys
{
    /// <summary>A cluster rate limit: one hash of window index to units counted, per limit and window length.</summary>
    public static string RateLimit(string prefix, bool tenant, Guid id, long limit, long windowMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}rl:{{{(tenant ? 't' : 'k')}:{id:N}:{limit}:{windowMs}}}");

    /// <summary>The tag of a budget rule's counters: the scope (<c>t</c> tenant, <c>k</c> credential) and its id.</summary>
    public static string BudgetTag(string scope, Guid id) => string.Create(CultureInfo.InvariantCulture, $"{{{scope}:{id:N}}}");

    /// <summary>A budget counter in Redis: <paramref name="counterKey"/> is the counter's own name, which starts with its rule's tag.</summary>
    public static string Budget(string prefix, string counterKey) => prefix + "budget:" + counterKey;

    /// <summary>The hash tag Redis Cluster hashes for <paramref name="key"/>: the text in the first <c>{...}</c> with something in it, else the whole key.</summary>
    public static string HashTagOf(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open >= 0)
        {
            var close = key.IndexOf('}', open + 1);
            if (close > open + 1)
            {
                return key[(open + 1)..close];
            }
        }

        return key;
    }
}
