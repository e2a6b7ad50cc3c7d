using System.Text.Encodings.Web;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// The sign-in form the authorization endpoint sends people to. Deliberately plain HTML: the portal (a separate
/// application) is the user interface; this page only proves who is signing in.
/// </summary>
internal static class AccountPages
{
    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account").ExcludeFromDescription();
        account.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, returnUrl, email: null, error: null, StatusCodes.Status200OK));
        account.MapPost("/login", LoginAsync);
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http, IAntiforgery antiforgery, SignInManager<User> signIn, UserManager<User> users,
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is not null && !string.IsNullOrEmpty(password))
        {
            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/account/login?signedIn=1");
            }
        }

        // One message for every failure: it does not tell whether the account exists or is locked.
        return Page(http, antiforgery, returnUrl, email, "The email or password is not correct, or the account is locked for now.", StatusCodes.Status400BadRequest);
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? email, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var signedIn = http.User.Identity?.IsAuthenticated == true && error is null && string.IsNullOrEmpty(returnUrl)
            ? "<p role=\"status\">You are signed in.</p>" : string.Empty;
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · Inference Gateway</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto;">
            <h1>Sign in to Inference Gateway</h1>
            {signedIn}
            {(error is null ? string.Empty : $"<p role=\"alert\" style=\"color:#b00020\">{e.Encode(error)}</p>")}
            <form method="post" action="/account/login">
              <input type="hidden" name="{e.Encode(tokens.FormFieldName)}" value="{e.Encode(tokens.RequestToken ?? string.Empty)}">
              <input type="hidden" name="returnUrl" value="{e.Encode(returnUrl ?? string.Empty)}">
              <p><label for="email">Email</label><br><input id="email" name="email" type="email" autocomplete="username" required value="{e.Encode(email ?? string.Empty)}"></p>
              <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
              <p><button type="submit">Sign in</button></p>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
