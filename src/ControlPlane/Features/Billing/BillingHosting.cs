using InferenceGateway.ControlPlane.Features.Identity;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Billing;

internal static class BillingHosting
{
    /// <summary>Invoices (the ledger query, the scheduled close) and the Stripe sync.</summary>
    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddScoped<BillingLedger>();
        services.AddSingleton<InvoiceCloser>();
        services.AddHostedService(sp => sp.GetRequiredService<InvoiceCloser>());
        services.AddHttpClient(StripeInvoiceSync.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        // The sync logs each attempt itself; the client's per-request lines add nothing.
        builder.Logging.AddFilter($"System.Net.Http.HttpClient.{StripeInvoiceSync.HttpClientName}", LogLevel.Warning);
        services.AddSingleton<StripeInvoiceSync>();
        services.AddHostedService(sp => sp.GetRequiredService<StripeInvoiceSync>());
        return builder;
    }

    /// <summary>The invoice routes of the tenant group, the by-id route (membership checked in the handler), the operator's sync retry and Stripe's webhook.</summary>
    public static void MapBilling(this IEndpointRouteBuilder endpoints, RouteGroupBuilder api, RouteGroupBuilder platform, RouteGroupBuilder tenant)
    {
        tenant.MapInvoicesApi();
        api.MapInvoiceByIdApi();
        platform.MapStripeSyncApi();
        endpoints.MapStripeWebhook();
    }
}
