using System.Security.Claims;
using InferenceGateway.Portal.Components;
using InferenceGateway.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace InferenceGateway.Portal;

/// <summary>
/// The admin portal: a Blazor Web App that signs operators in and shows the fleet, tenants and audit log from
/// the control-plane API, called with the operator's own credential. Until user accounts exist, an operator
/// signs in with the platform-admin token; the token is kept only inside the encrypted sign-in cookie.
/// </summary>
public static class PortalHost
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddConfigurationDefaults();
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        services.AddRazorComponents();
        services.AddHttpContextAccessor();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.Cookie.Name = "igw-portal";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        services.AddAuthorization();
        var dataProtection = services.AddDataProtection().SetApplicationName("InferenceGateway.Portal");
        if (builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>()?.KeysDirectory is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.ProtectKeyRingWithMasterKey(PortalOptions.Section);
        services.AddOptions<MasterKeyOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MasterKeyOptions>>(new MasterKeyValidator(PortalOptions.Section, builder.Environment.IsDevelopment()));

        services.AddHttpClient<ControlPlaneClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PortalOptions>>().Value.ControlPlaneUrl!.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(15);
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapPost("/login", SignInAsync).AllowAnonymous();
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return Results.LocalRedirect("/login");
        });
        app.MapRazorComponents<App>();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, [FromForm] string? token, ControlPlaneClient controlPlane, CancellationToken cancellationToken)
    {
        bool accepted;
        try
        {
            accepted = !string.IsNullOrWhiteSpace(token) && await controlPlane.AcceptsAsync(token.Trim(), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return Results.LocalRedirect("/login?error=unreachable");
        }

        if (!accepted)
        {
            return Results.LocalRedirect("/login?error=invalid");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "platform admin"), new Claim(ClaimTypes.Role, "platform-admin"), new Claim(ControlPlaneClient.TokenClaim, token!.Trim())],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(new ClaimsPrincipal(identity));
        return Results.LocalRedirect("/");
    }
}
