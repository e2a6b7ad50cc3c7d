using System.Security.Claims;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.OAuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// The parts of the OAuth endpoints OpenIddict leaves to the application (passthrough): who the user is at the
/// authorization endpoint, and whether that user may still have tokens at the token endpoint.
/// </summary>
internal static class ConnectEndpoints
{
    /// <summary>The claim naming the tenant (its id) in a tenant client's tokens.</summary>
    public const string TenantClaim = Contracts.Snapshots.PlatformTokens.TenantClaim;

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var connect = endpoints.MapGroup("/connect").ExcludeFromDescription();
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync).DisableAntiforgery();
        connect.MapPost("/token", TokenAsync).DisableAntiforgery();
        connect.MapMethods("/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<User> users, SignInManager<User> signIn)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = cookie.Succeeded ? await users.GetUserAsync(cookie.Principal) : null;
        if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            var query = http.Request.HasFormContentType ? http.Request.Form.ToList() : http.Request.Query.ToList();
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(query) },
                [IdentityConstants.ApplicationScheme]);
        }

        return Results.SignIn(Principal(user, request.GetScopes()), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, UserManager<User> users, SignInManager<User> signIn, ControlPlaneDbContext db)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (request.IsClientCredentialsGrantType())
        {
            return await ClientTokenAsync(request, db, http.RequestAborted);
        }

        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
        }

        // The code or refresh token was validated by OpenIddict; the user must still exist and be allowed in.
        var presented = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = presented.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
        {
            return Refuse(Errors.InvalidGrant, "The token is no longer valid.");
        }

        return Results.SignIn(Principal(user, presented.Principal!.GetScopes()), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// OpenIddict has checked the secret and that every requested scope is one the client holds; no requested scope
    /// means all of them. The token names the tenant, so nodes and the admin API can hold it to that tenant.
    /// </summary>
    private static async Task<IResult> ClientTokenAsync(OpenIddictRequest request, ControlPlaneDbContext db, CancellationToken ct)
    {
        var client = await db.OAuthClients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == request.ClientId, ct);
        if (client is null || client.RevokedAt is not null)
        {
            return Refuse(Errors.InvalidClient, "The client is not valid.");
        }

        var scopes = request.GetScopes();
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId)
            .SetClaim(Claims.Name, "oauth-client:" + client.ClientId)
            .SetClaim(TenantClaim, client.TenantId.ToString());
        identity.SetScopes(scopes.IsDefaultOrEmpty ? OAuthScopes.Of(client) : scopes);

        // The audience nodes require: a token issued to the portal (no audience) cannot call a model.
        identity.SetResources(Contracts.Snapshots.PlatformTokens.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static ClaimsPrincipal Principal(User user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Name, user.Email)
            .SetClaim(Claims.Email, user.Email);
        identity.SetScopes(scopes);

        // Rights are not put in the token: the admin API reads roles and memberships per request, so a removed
        // membership takes effect at once rather than when the token expires.
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return new ClaimsPrincipal(identity);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
