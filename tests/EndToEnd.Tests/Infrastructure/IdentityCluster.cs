using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;

namespace InferenceGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One node and a control plane whose issuer registers the portal client (so people sign in with code + PKCE) and
/// rolls its signing keys over every two minutes in real time: each key is published a minute before it signs and
/// stays published until a minute after its last one-minute token expired.
/// </summary>
public sealed class IdentityCluster() : GatewayCluster(1)
{
    public const string PortalRedirectUri = "https://portal.test/signin-oidc";

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(1);

    public sealed record UserTokens(string AccessToken, string RefreshToken, string IdToken);

    protected internal override void ConfigureControlPlane(IWebHostBuilder builder)
    {
        builder.UseSetting("ControlPlane:Identity:PortalRedirectUris:0", PortalRedirectUri);
        builder.UseSetting("ControlPlane:Identity:AccessTokenLifetime", "00:01:00");
        builder.UseSetting("ControlPlane:Identity:RefreshTokenLifetime", "00:01:00");
        builder.UseSetting("ControlPlane:Identity:SigningKeyRotation", "00:02:00");
        builder.UseSetting("ControlPlane:Identity:SigningKeyPublishLead", "00:01:00");
        builder.UseSetting("ControlPlane:Identity:SigningKeyCheckInterval", "00:00:01");
    }

    /// <summary>Invites a member of <paramref name="tenantId"/>, accepts, and signs in as the portal does (code + PKCE, refresh and id token included).</summary>
    public async Task<UserTokens> SignInMemberAsync(string tenantId, string role)
    {
        var email = $"u-{Guid.NewGuid():N}@example.com";
        var password = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var invitation = await PostAsync(Admin(), $"/api/v1/tenants/{tenantId}/invitations", new { email, role });
        using (var anonymous = ControlPlane!.CreateClient())
        {
            var accepted = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = (string)invitation["token"]!, password });
            Assert.True(accepted.IsSuccessStatusCode, $"accept: {(int)accepted.StatusCode}");
        }

        // A browser against the real port: cookies kept, redirects looked at one by one.
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{ControlPlanePort}"),
        };
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var toLogin = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = "portal", ["response_type"] = "code", ["redirect_uri"] = PortalRedirectUri, ["scope"] = "openid email offline_access",
            ["state"] = "s1", ["nonce"] = "n1", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        }));
        Assert.True(toLogin.StatusCode == HttpStatusCode.Redirect, $"authorize: {(int)toLogin.StatusCode} {await toLogin.Content.ReadAsStringAsync()}");
        var form = await browser.GetStringAsync(Relative(toLogin.Headers.Location!));
        var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field(form, "__RequestVerificationToken"), ["returnUrl"] = Field(form, "returnUrl"), ["email"] = email, ["password"] = password,
        }));
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login: {(int)login.StatusCode}");
        var toPortal = await browser.GetAsync(Relative(login.Headers.Location!));
        Assert.True(toPortal.StatusCode == HttpStatusCode.Redirect, $"authorize after sign-in: {(int)toPortal.StatusCode}");
        var code = QueryHelpers.ParseQuery(toPortal.Headers.Location!.Query)["code"].ToString();
        var token = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = PortalRedirectUri, ["client_id"] = "portal", ["code_verifier"] = verifier,
        }));
        var body = await token.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(token.StatusCode == HttpStatusCode.OK, $"token: {(int)token.StatusCode} {body}");
        return new UserTokens((string)body!["access_token"]!, (string)body["refresh_token"]!, (string)body["id_token"]!);
    }

    /// <summary>A redirect within the control plane, against the client's own address (the server may name another host).</summary>
    private static string Relative(Uri location) => location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    private static string Field(string html, string name) =>
        WebUtility.HtmlDecode(FieldRegex(name).Match(html).Groups[1].Value);

    private static Regex FieldRegex(string name) => new($"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The identity tests share one such cluster (its keys roll over on their own clock).</summary>
[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityCluster>
{
    public const string Name = "identity cluster";
}
