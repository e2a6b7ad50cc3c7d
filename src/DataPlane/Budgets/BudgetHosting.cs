namespace InferenceGateway.DataPlane.Budgets;

internal static class BudgetHosting
{
    public static IServiceCollection AddDataPlaneBudgets(this IServiceCollection services)
    {
        services.AddSingleton<LocalBudgetStore>();
        services.AddSingleton(sp => new BudgetStores(sp.GetRequiredService<LocalBudgetStore>(), sp.GetService<IClusterBudgetStore>()));
        return services;
    }
}
