namespace InferenceGateway.Contracts.Admin;

/// <summary>Where a plan's rate limit (per key or per tenant) is counted.</summary>
public enum RateLimitScope
{
    /// <summary>On each node by itself (a token bucket): N nodes admit up to N times the limit.</summary>
    Node,

    /// <summary>Across the cluster, in Redis (leased slices of fixed windows): the limit holds for the whole fleet.</summary>
    Cluster,
}

/// <summary>What a cluster-wide rate limit does while the node cannot reach Redis.</summary>
public enum RateLimitRedisDownMode
{
    /// <summary>Each node enforces its fair share: the limit divided by the live nodes last seen in Redis.</summary>
    Local,

    /// <summary>Refuse (429) every request the rule covers until Redis is back.</summary>
    Closed,
}
