namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>How one of a plan's rate limits is enforced: counted on the node or across the cluster, what it does without Redis, shadow or not.</summary>
internal readonly record struct RateRule(bool Cluster, RedisDownMode WhenRedisDown, bool Shadow)
{
    public static RateRule From(string? scope, string? redisDown, bool? shadow) =>
        new(scope == "cluster", redisDown == "closed" ? RedisDownMode.Closed : RedisDownMode.Local, shadow == true);
}
