using InferenceGateway.DataPlane.Cluster;

namespace InferenceGateway.DataPlane.Budgets;

internal static class BudgetHosting
{
    /// <summary>Budget counters on the node, and in Redis when <c>DataPlane:Redis:ConnectionString</c> is set.</summary>
    public static IServiceCollection AddDataPlaneBudgets(this IServiceCollection services)
    {
        services.AddSingleton<LocalBudgetStore>();
        services.AddSingleton<RedisBudgetStore>();
        services.AddSingleton(sp => new BudgetStores(
            sp.GetRequiredService<LocalBudgetStore>(),
            sp.GetRequiredService<RedisConnection>().Enabled ? sp.GetRequiredService<RedisBudgetStore>() : null));
        return services;
    }
}
