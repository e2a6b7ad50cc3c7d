using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InferenceGateway.Portal.Tests.Browser;

/// <summary>The portal in Chromium against the standalone product: what a tenant admin, a developer and another tenant's admin see and do.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task TenantAdmin_RegistersAnEndpointCreatesAKeyAndRevokesIt_TheGatewayAcceptsThenRefusesTheKey()
    {
        var page = await fixture.SignInAsync(fixture.DemoAdmin);
        await PortalFixture.ScreenshotAsync(page, "home-tenant-admin");
        var model = "portal-" + Guid.NewGuid().ToString("N")[..6];

        await page.GetByRole(AriaRole.Link, new() { Name = "Model endpoints" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Model endpoints of Demo tenant" })).ToBeVisibleAsync();

        // The API's validation message appears next to the field.
        await page.GetByLabel("Model name").FillAsync(model);
        await page.GetByLabel("Upstream base URL").FillAsync("not a url");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register endpoint" }).ClickAsync();
        await Expect(page.Locator("#baseUrl-error")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "endpoints-validation");

        await page.GetByLabel("Upstream base URL").FillAsync(fixture.SampleModelUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register endpoint" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Gridcell, new() { Name = model, Exact = true })).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "endpoints");

        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("browser key " + model);
        await page.GetByLabel("Models it may call").FillAsync(model);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key", Exact = true }).ClickAsync();
        var secret = (await page.GetByTestId("secret").InnerTextAsync()).Trim();
        Assert.StartsWith("igw_", secret, StringComparison.Ordinal);
        await PortalFixture.ScreenshotAsync(page, "api-key-created");

        // Shown once: dismissed, it is nowhere on the page; reloaded, neither.
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        using var gateway = new HttpClient();
        var url = $"{fixture.GatewayUrl}/t/{fixture.DemoSlug}/{model}/v1/chat/completions";
        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(gateway, url, secret, HttpStatusCode.OK));

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke browser key " + model }).ClickAsync();
        await Expect(page.Locator(".rz-dialog")).ToContainTextAsync("cannot be undone");
        await PortalFixture.ScreenshotAsync(page, "api-key-revoke-confirm");
        await page.Locator(".rz-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "browser key " + model }).GetByTestId("key-status")).ToHaveTextAsync("revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyAsync(gateway, url, secret, HttpStatusCode.Unauthorized));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Developer_CreatesKeysInABatch_DownloadsTheCsv_AndAKeyFromItCallsTheGateway()
    {
        var model = "batch-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Admin.CreateEndpointAsync(fixture.DemoTenantId, new(model, fixture.SampleModelUrl, null, 60, null));
        var page = await fixture.SignInAsync(fixture.DemoDeveloper);

        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create keys in a batch" }).ClickAsync();
        await page.GetByLabel("Name prefix").FillAsync(model);
        await page.GetByLabel("How many keys").FillAsync("3");
        await page.GetByLabel("Models they may call").FillAsync(model);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create keys", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("batch-secret")).ToHaveCountAsync(3);
        await PortalFixture.ScreenshotAsync(page, "api-key-batch");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"{model}-0002,", lines[2], StringComparison.Ordinal);
        var secret = lines[2].Split(',')[3];
        Assert.StartsWith("igw_", secret, StringComparison.Ordinal);

        using var gateway = new HttpClient();
        var url = $"{fixture.GatewayUrl}/t/{fixture.DemoSlug}/{model}/v1/chat/completions";
        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(gateway, url, secret, HttpStatusCode.OK));

        // Closed, the secrets are nowhere on the page; the keys stay listed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Close and forget the secrets" }).ClickAsync();
        await Expect(page.GetByTestId("batch-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Developer_SeesKeysAndHowToCall_AndNoAdminPage()
    {
        var page = await fixture.SignInAsync(fixture.DemoDeveloper);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "API keys" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "How to call" })).ToBeVisibleAsync();
        foreach (var adminPage in new[] { "Model endpoints", "Members", "OAuth clients", "Audit log", "Tenants", "Fleet", "Overview" })
        {
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = adminPage, Exact = true })).ToHaveCountAsync(0);
        }

        await PortalFixture.ScreenshotAsync(page, "developer-navigation");
        foreach (var path in new[] { "endpoints", "members", "oauth-clients", "issuers", "audit", "overview" })
        {
            await page.GotoAsync($"{fixture.PortalUrl}/t/{fixture.DemoTenantId}/{path}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        }

        await page.GotoAsync($"{fixture.PortalUrl}/platform/tenants");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();

        await page.GotoAsync($"{fixture.PortalUrl}/t/{fixture.DemoTenantId}/how-to-call");
        await Expect(page.Locator("pre.snippet").First).ToContainTextAsync($"{fixture.GatewayUrl}/t/{fixture.DemoSlug}/");
        await PortalFixture.ScreenshotAsync(page, "how-to-call");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OtherTenantsAdmin_FindsNoneOfTheFirstTenantsObjects_ByNavigationOrByUrl()
    {
        // Something of the first tenant's that must not show up.
        var secretName = "hidden key " + Guid.NewGuid().ToString("N")[..6];
        await fixture.Admin.CreateApiKeyAsync(fixture.DemoTenantId, new(secretName, null, null));

        var page = await fixture.SignInAsync(fixture.OtherAdmin);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav).ToContainTextAsync("Other tenant");
        await Expect(nav).Not.ToContainTextAsync("Demo tenant");

        foreach (var path in new[] { "overview", "endpoints", "api-keys", "members", "oauth-clients", "issuers", "audit", "how-to-call" })
        {
            await page.GotoAsync($"{fixture.PortalUrl}/t/{fixture.DemoTenantId}/{path}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
            var html = await page.ContentAsync();
            Assert.DoesNotContain(secretName, html, StringComparison.Ordinal);
            Assert.DoesNotContain("Demo tenant", html, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.SampleModelUrl, html, StringComparison.Ordinal);
        }

        await PortalFixture.ScreenshotAsync(page, "other-tenant-not-found");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryAsset_IsServedByThePortalItself()
    {
        var hosts = new List<string>();
        var page = await fixture.SignInAsync(fixture.DemoAdmin);
        page.Request += (_, request) => hosts.Add(new Uri(request.Url).GetLeftPart(UriPartial.Authority));
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome" })).ToBeVisibleAsync();

        Assert.NotEmpty(hosts);
        Assert.All(hosts, h => Assert.Equal(fixture.PortalUrl, h));
        var references = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href).filter(u => /^https?:/.test(u))");
        Assert.All(references, r => Assert.StartsWith(fixture.PortalUrl + "/", r, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignOut_EndsTheSession_AndPagesAskToSignInAgain()
    {
        var page = await fixture.SignInAsync(fixture.DemoAdmin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();

        await page.GotoAsync(fixture.PortalUrl + "/");
        await page.WaitForURLAsync(url => url.StartsWith(fixture.ControlPlaneUrl + "/account/login", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    private static async Task<HttpStatusCode> EventuallyAsync(HttpClient gateway, string url, string key, HttpStatusCode wanted)
    {
        var status = HttpStatusCode.InternalServerError;
        for (var attempt = 0; attempt < 300 && status != wanted; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("""{"model":"sample-trigram-1","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await gateway.SendAsync(request);
            status = response.StatusCode;
            if (status != wanted)
            {
                await Task.Delay(100);
            }
        }

        return status;
    }
}
