using InferenceGateway.ControlPlane.Client;
using InferenceGateway.Portal.Auth;
using InferenceGateway.Portal.Components;
using InferenceGateway.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Radzen;

namespace InferenceGateway.Portal;

/// <summary>
/// The admin portal: a Blazor Web App (interactive server rendering) that signs users in with OpenID Connect at the
/// control plane and calls the control-plane API with each user's own access token, through the shared typed client.
/// </summary>
public static class PortalHost
{
    public const string ControlPlaneClientName = "control-plane";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The portal's name, not the hosting process's (standalone hosts it too): its static web assets manifest is named after it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(PortalHost).Assembly.GetName().Name });
        builder.AddConfigurationDefaults();

        // Outside a published build the assets (the portal's wwwroot, Radzen's theme and fonts) are served from where
        // the build found them, whatever the environment; a published portal has them under its own wwwroot.
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json")))
        {
            builder.WebHost.UseStaticWebAssets();
        }

        configure?.Invoke(builder);
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        var settings = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(o => o.Cookie.Name = "igw.portal.antiforgery");
        if (Uri.TryCreate(settings.ControlPlaneUrl, UriKind.Absolute, out _))
        {
            services.AddPortalAuthentication(settings);
        }

        var dataProtection = services.AddDataProtection().SetApplicationName("InferenceGateway.Portal");
        if (settings.KeysDirectory is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.ProtectKeyRingWithMasterKey(PortalOptions.Section);
        services.AddOptions<MasterKeyOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MasterKeyOptions>>(new MasterKeyValidator(PortalOptions.Section, builder.Environment.IsDevelopment()));

        services.AddHttpClient(ControlPlaneClientName, (sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PortalOptions>>().Value.ControlPlaneUrl!.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(15);
        });
        services.AddScoped<IControlPlaneApi>(sp => new ControlPlaneApi(new HttpClient(
            new UserTokenHandler(sp.GetRequiredService<UserTokens>()) { InnerHandler = sp.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(ControlPlaneClientName) },
            disposeHandler: false)
        {
            BaseAddress = new Uri(settings.ControlPlaneUrl!.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(15),
        }));
        services.AddScoped<PortalContext>();

        var app = builder.Build();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapPortalAuthEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
