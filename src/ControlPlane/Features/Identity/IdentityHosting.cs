using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>Users and roles (ASP.NET Core Identity), the platform issuer (OpenIddict) and the admin API's callers.</summary>
internal static class IdentityHosting
{
    /// <summary>The admin API's scheme: a JWT goes to the issuer's validation, anything else to the bootstrap token.</summary>
    public const string AdminApiScheme = "AdminApi";
    public const string AdminApiPolicy = "AdminApi";
    public const string AuthCookieName = "igw.controlplane.auth";
    public const string LoginPath = "/account/login";
    public const string PortalClientId = "portal";
    public const string PortalScope = "admin";

    public static IHostApplicationBuilder AddPlatformIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PlatformIdentityOptions>().BindConfiguration(PlatformIdentityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlatformIdentityOptions>, PlatformIdentityOptionsValidator>();
        var settings = builder.Configuration.GetSection(PlatformIdentityOptions.Section).Get<PlatformIdentityOptions>() ?? new PlatformIdentityOptions();

        services.AddIdentityCore<User>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = PlatformIdentityOptionsValidator.MinPasswordLength;
                // Length over composition (NIST SP 800-63B): 12 characters, no mandatory character classes.
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = settings.MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = settings.LockoutDuration;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<ControlPlaneDbContext>()
            .AddSignInManager();
        services.AddAuthentication()
            .AddPolicyScheme(AdminApiScheme, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString() is var header
                && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && header.AsSpan("Bearer ".Length).Count('.') == 2
                    ? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme
                    : ControlPlaneHosting.AdminScheme)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = AuthCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = settings.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.LoginPath = LoginPath;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        services.AddAntiforgery(o => o.Cookie.Name = "igw.controlplane.antiforgery");

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<ControlPlaneDbContext>().ReplaceDefaultEntities<Guid>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("/connect/authorize")
                    .SetTokenEndpointUris("/connect/token")
                    .SetEndSessionEndpointUris("/connect/logout");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile, Scopes.OfflineAccess, PortalScope);

                // Tenant clients' scopes name their models (model:<name>), which no static list can hold: a scope is
                // admitted when the client's application holds the permission for it, which OpenIddict still checks.
                o.DisableScopeValidation();
                o.SetAccessTokenLifetime(settings.AccessTokenLifetime).SetRefreshTokenLifetime(settings.RefreshTokenLifetime);

                // Nodes and other resource servers read the access token: a signed JWT, not an encrypted one.
                o.DisableAccessTokenEncryption();
                if (settings.Issuer is { Length: > 0 } issuer)
                {
                    o.SetIssuer(new Uri(issuer));
                }

                var aspNetCore = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!settings.RequireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });
        services.AddSingleton<IssuerKeys>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<IssuerKeys>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp => sp.GetRequiredService<IssuerKeys>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddict.Validation.OpenIddictValidationOptions>>(sp => sp.GetRequiredService<IssuerKeys>());
        services.AddSingleton<IssuerKeyRotation>();
        services.AddHostedService(sp => sp.GetRequiredService<IssuerKeyRotation>());

        services.AddScoped<AdminCallerAccessor>();
        services.AddSingleton<IAuthorizationHandler, AdminCallerHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminApiPolicy, p => p.AddAuthenticationSchemes(AdminApiScheme).AddRequirements(new AdminCallerRequirement(platformOnly: false)))
            .AddPolicy(ControlPlaneHosting.PlatformAdminPolicy, p => p.AddAuthenticationSchemes(AdminApiScheme).AddRequirements(new AdminCallerRequirement(platformOnly: true)));
        services.AddHostedService<IdentitySeeder>();
        return builder;
    }
}
