using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace InferenceGateway.ControlPlane.Tests.Infrastructure;

/// <summary>Signs people in the way the portal does: authorization code + PKCE through the sign-in form.</summary>
public static partial class Users
{
    public sealed record Tokens(string AccessToken, string? RefreshToken, string? IdToken);

    public static string NewPassword() => "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Runs the whole code flow and returns the token response; throws with the step that failed.</summary>
    public static async Task<Tokens> SignInAsync(this ControlPlaneApp app, string email, string password)
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = "portal", ["response_type"] = "code", ["redirect_uri"] = ControlPlaneApp.PortalRedirectUri,
            ["scope"] = "openid email offline_access", ["state"] = "s1", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        });

        var toLogin = await browser.GetAsync(authorize);
        Assert.True(toLogin.StatusCode == HttpStatusCode.Redirect, $"authorize: {(int)toLogin.StatusCode} {await toLogin.Content.ReadAsStringAsync()}");
        var form = await browser.GetStringAsync(toLogin.Headers.Location);
        var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(form, "__RequestVerificationToken"),
            ["returnUrl"] = Field(form, "returnUrl"),
            ["email"] = email,
            ["password"] = password,
        }));
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login: {(int)login.StatusCode}");

        var toPortal = await browser.GetAsync(login.Headers.Location);
        Assert.True(toPortal.StatusCode == HttpStatusCode.Redirect, $"authorize after sign-in: {(int)toPortal.StatusCode} {await toPortal.Content.ReadAsStringAsync()}");
        var query = QueryHelpers.ParseQuery(toPortal.Headers.Location!.Query);
        Assert.Equal("s1", query["state"].ToString());

        var token = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = query["code"].ToString(), ["redirect_uri"] = ControlPlaneApp.PortalRedirectUri,
            ["client_id"] = "portal", ["code_verifier"] = verifier,
        }));
        var body = await token.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(token.StatusCode == HttpStatusCode.OK, $"token: {(int)token.StatusCode} {body}");
        return new Tokens((string)body!["access_token"]!, (string?)body["refresh_token"], (string?)body["id_token"]);
    }

    /// <summary>Posts the sign-in form once (no code flow) and returns the status.</summary>
    public static async Task<HttpStatusCode> PostLoginAsync(this ControlPlaneApp app, string email, string password)
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/account/login");
        var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(form, "__RequestVerificationToken"), ["returnUrl"] = "", ["email"] = email, ["password"] = password,
        }));
        return login.StatusCode;
    }

    /// <summary>Invites a new user into the tenant with the role (as the platform admin), accepts, signs in.</summary>
    public static async Task<(string Email, string Password, HttpClient Client)> MemberAsync(this ControlPlaneApp app, string tenantId, string role)
    {
        var email = $"u-{Guid.NewGuid():N}@example.com";
        var password = NewPassword();
        var invitation = await app.Admin().PostOkAsync($"/api/v1/tenants/{tenantId}/invitations", new { email, role });
        await app.CreateClient().PostOkAsync("/api/v1/invitations/accept", new { token = (string)invitation["token"]!, password }, HttpStatusCode.OK);
        return (email, password, await app.ClientForAsync(email, password));
    }

    public static async Task<HttpClient> ClientForAsync(this ControlPlaneApp app, string email, string password)
    {
        var tokens = await app.SignInAsync(email, password);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return client;
    }

    private static string Field(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
