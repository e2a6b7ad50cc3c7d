using System.Net;
using System.Text.RegularExpressions;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.Portal;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InferenceGateway.EndToEnd.Tests.Portal;

/// <summary>The portal against a real control plane: sign-in with the admin token, then the fleet and tenants it shows.</summary>
[Collection(NodeCollection.Name)]
public sealed partial class PortalTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private PortalApp _portal = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _portal = new PortalApp(cluster.ControlPlanePort);
        _upstream = await RecordingUpstream.StartAsync("portal");
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private HttpClient Browser() => _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> AntiforgeryTokenAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("/login");
        return TokenRegex().Match(page).Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string token, bool withAntiforgery = true)
    {
        var form = new Dictionary<string, string> { ["token"] = token };
        if (withAntiforgery)
        {
            form["__RequestVerificationToken"] = await AntiforgeryTokenAsync(browser);
        }

        return await browser.PostAsync("/login", new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task SignedOut_EveryPageRedirectsToSignIn()
    {
        var browser = Browser();
        foreach (var page in new[] { "/", "/tenants" })
        {
            var response = await browser.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        }
    }

    [Fact]
    public async Task SignIn_WithAWrongTokenOrWithoutAntiforgery_IsRefused()
    {
        var browser = Browser();

        var wrong = await SignInAsync(browser, "not-the-admin-token-0123456789abcdefghijkl");
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.Equal("/login?error=invalid", wrong.Headers.Location!.OriginalString);
        Assert.Contains("not accepted", await browser.GetStringAsync("/login?error=invalid"));

        var forged = await SignInAsync(browser, GatewayCluster.AdminToken, withAntiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignedIn_TheFleetAndTenantsPagesShowTheControlPlanesData()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var browser = Browser();

        var signIn = await SignInAsync(browser, GatewayCluster.AdminToken);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);

        await GatewayCluster.WaitUntilAsync(async () => (await browser.GetStringAsync("/")).Contains(cluster.Node(0).NodeId), "the node to appear in the fleet page");
        var fleet = await browser.GetStringAsync("/");
        Assert.Contains($"Current configuration revision: <strong>{await cluster.CurrentRevisionAsync()}</strong>", fleet);
        Assert.Contains("api_key.created", fleet);
        Assert.DoesNotContain(GatewayCluster.AdminToken, fleet);

        // Other tests share this control plane, so the tenant may be on a later page.
        var found = false;
        for (var page = 1; page <= 20 && !found; page++)
        {
            var tenants = await browser.GetStringAsync($"/tenants?page={page}");
            found = tenants.Contains(tenant.Slug, StringComparison.Ordinal);
            if (!tenants.Contains("Next page", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.True(found, "the new tenant is on no page of the tenants list");

        var signOut = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TokenRegex().Match(fleet).Groups[1].Value }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();

    private sealed class PortalApp(int controlPlanePort) : WebApplicationFactory<PortalMarker>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Portal:ControlPlaneUrl", $"http://127.0.0.1:{controlPlanePort}");
            builder.UseSetting("Portal:MasterKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
    }
}
