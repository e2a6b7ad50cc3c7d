using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Usage;

internal static class UsageHosting
{
    /// <summary>The usage ledger, its retention, quota tracking and the usage API's services.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UsageOptions>, UsageOptionsValidator>();
        services.AddSingleton<QuotaPushSignal>();
        services.AddScoped<UsageLedger>();
        services.AddSingleton<UsageRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRetention>());
        services.AddSingleton<QuotaPushLeadership>();
        services.AddSingleton<QuotaPusher>();
        services.AddHostedService(sp => sp.GetRequiredService<QuotaPusher>());
        return services;
    }
}
