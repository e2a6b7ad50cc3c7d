namespace InferenceGateway.DataPlane.Budgets;

/// <summary>Budget counters shared by the nodes (Redis) and whether they can be reached now.</summary>
internal interface IClusterBudgetStore : IBudgetStore
{
    bool Healthy { get; }
}

/// <summary>
/// Which store a plan's budgets use now. Without Redis configured, the node's own counters (exact on one node,
/// per node on several). With Redis, the shared counters; while Redis is unreachable, a plan with
/// <c>whenRedisDown: local</c> counts on the node and any other plan refuses budget-limited requests.
/// </summary>
internal sealed class BudgetStores(LocalBudgetStore local, IClusterBudgetStore? cluster = null)
{
    public LocalBudgetStore Local { get; } = local;

    public IClusterBudgetStore? Cluster { get; } = cluster;

    /// <summary>The store to reserve in, and the one to fall back to if it turns out unreachable (null: refuse).</summary>
    public (IBudgetStore? Store, IBudgetStore? Fallback) For(BudgetPolicy policy)
    {
        if (Cluster is null)
        {
            return (Local, null);
        }

        var fallback = policy.LocalWhenRedisDown ? Local : null;
        return Cluster.Healthy ? (Cluster, fallback) : (fallback, null);
    }
}
