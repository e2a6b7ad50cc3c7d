using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace InferenceGateway.Portal.Auth;

/// <summary>
/// Sign-in with OpenID Connect against the control plane (authorization code + PKCE, a public client), the session
/// in an encrypted cookie of the portal's own name, and sign-out at both ends.
/// </summary>
internal static class PortalAuthentication
{
    /// <summary>Distinct from the control plane's cookie: both may live on one host, and cookies do not tell ports apart.</summary>
    public const string CookieName = "igw.portal.auth";
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, PortalOptions settings)
    {
        var internalUrl = new Uri(settings.ControlPlaneUrl!.TrimEnd('/') + "/");
        var authority = settings.PublicControlPlaneUrl is { Length: > 0 } pub ? new Uri(pub.TrimEnd('/') + "/") : internalUrl;
        var plainHttp = authority.Scheme == Uri.UriSchemeHttp;
        services.AddSingleton<PortalSessions>();
        services.AddScoped<UserTokens>();
        services.AddHttpClient(UserTokens.TokenClient, http => http.Timeout = TimeSpan.FromSeconds(15));
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = plainHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = SeedSessionAsync;
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority.ToString();
                o.RequireHttpsMetadata = !plainHttp;
                if (authority != internalUrl)
                {
                    o.RequireHttpsMetadata = internalUrl.Scheme == Uri.UriSchemeHttps;
                    o.MetadataAddress = new Uri(internalUrl, ".well-known/openid-configuration").ToString();
                    o.BackchannelHttpHandler = new ToInternalUrl(authority, internalUrl) { InnerHandler = new HttpClientHandler() };
                }
                o.ClientId = settings.ClientId;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;

                // The answer comes back as a top-level GET, so Lax cookies (correlation, nonce) travel with it.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                if (plainHttp)
                {
                    o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }

                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "email", "profile", "offline_access", "admin" })
                {
                    o.Scope.Add(scope);
                }

                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.TokenValidationParameters.NameClaimType = "email";
                o.TokenValidationParameters.RoleClaimType = "role";
                o.Events.OnTokenValidated = StartSession;
                o.Events.OnRemoteFailure = context =>
                {
                    // A refused or cancelled sign-in shows a page of the portal, not an exception.
                    context.Response.Redirect("/signed-out?error=signin");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        return services;
    }

    public static IEndpointRouteBuilder MapPortalAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SignInPath, (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = IsLocal(returnUrl) ? returnUrl : "/" }, [OpenIdConnectDefaults.AuthenticationScheme]))
            .AllowAnonymous();
        endpoints.MapPost(SignOutPath, (HttpContext http, PortalSessions sessions) =>
        {
            if (http.User.FindFirstValue(UserTokens.SessionClaim) is { } session)
            {
                sessions.Remove(session);
            }

            // The cookie goes, and the control plane ends its own session, then sends the browser back to /signed-out.
            return Results.SignOut(
                new AuthenticationProperties { RedirectUri = "/signed-out" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        }).RequireAuthorization();
        return endpoints;
    }

    /// <summary>
    /// Sends the portal's own calls to the control plane's public URL (the token endpoint named in discovery) to its
    /// internal one; the browser keeps the public URL.
    /// </summary>
    internal sealed class ToInternalUrl(Uri publicUrl, Uri internalUrl) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && Uri.Compare(uri, publicUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                request.RequestUri = new Uri(internalUrl, uri.PathAndQuery.TrimStart('/'));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    /// <summary>A new session id in the cookie, and the session's tokens in <see cref="PortalSessions"/>.</summary>
    private static Task StartSession(TokenValidatedContext context)
    {
        var session = Guid.NewGuid().ToString("N");
        (context.Principal!.Identity as ClaimsIdentity)!.AddClaim(new Claim(UserTokens.SessionClaim, session));
        var response = context.TokenEndpointResponse!;
        var expires = DateTimeOffset.UtcNow.AddSeconds(int.TryParse(response.ExpiresIn, CultureInfo.InvariantCulture, out var s) ? s : 300);
        context.HttpContext.RequestServices.GetRequiredService<PortalSessions>()
            .Set(session, new TokenSet(response.AccessToken, response.RefreshToken, expires));
        return Task.CompletedTask;
    }

    /// <summary>After a restart of the portal, a session's tokens come back from its cookie.</summary>
    private static Task SeedSessionAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirstValue(UserTokens.SessionClaim) is { } session
            && context.Properties.GetTokenValue("access_token") is { Length: > 0 } access)
        {
            var expires = DateTimeOffset.TryParse(context.Properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                ? at : DateTimeOffset.MinValue;
            context.HttpContext.RequestServices.GetRequiredService<PortalSessions>()
                .Seed(session, new TokenSet(access, context.Properties.GetTokenValue("refresh_token"), expires));
        }

        return Task.CompletedTask;
    }
}
