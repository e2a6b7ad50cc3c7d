using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;
using InferenceGateway.Standalone.Tests;
using Microsoft.Playwright;

namespace InferenceGateway.Portal.Tests.Browser;

/// <summary>
/// The standalone product (control plane, a node, the portal, the sample model) as a user starts it, Debian's
/// Chromium driven by Playwright, and the people of the scenarios: the demo tenant's admin (seeded), a developer and a
/// finance member of the demo tenant and the admin of another tenant (invited here through the typed client).
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private const string Password = "portal-test-password-0123";

    private IPlaywright? _playwright;

    public StandaloneProcess Standalone { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public IControlPlaneApi Admin { get; private set; } = null!;

    public string PortalUrl => $"http://127.0.0.1:{Standalone.PortalPort}";

    public string ControlPlaneUrl => $"http://127.0.0.1:{Standalone.ControlPlanePort}";

    public string GatewayUrl => $"http://127.0.0.1:{Standalone.GatewayPort}";

    public string SampleModelUrl => $"http://127.0.0.1:{Standalone.SampleModelPort}";

    public Guid DemoTenantId { get; private set; }

    public string DemoSlug { get; private set; } = null!;

    public (string Email, string Password) DemoAdmin { get; private set; }

    public (string Email, string Password) DemoDeveloper { get; private set; }

    public (string Email, string Password) DemoFinance { get; private set; }

    public (string Email, string Password) OtherAdmin { get; private set; }

    public Guid OtherTenantId { get; private set; }

    /// <summary>Where screenshots go: the test output (and, copied by hand, docs/screenshots for the README).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        await Standalone.StartAsync();
        var facts = Standalone.Facts;
        var accounts = facts["accounts"]!.AsObject();
        DemoTenantId = Guid.Parse((string)facts["tenantId"]!);
        DemoSlug = (string)facts["tenant"]!;
        DemoAdmin = ((string)accounts["tenantAdminEmail"]!, (string)accounts["tenantAdminPassword"]!);
        var adminToken = (await File.ReadAllTextAsync((string)facts["adminTokenFile"]!)).Trim();
        Admin = new ControlPlaneApi(BearerTokenHandler.CreateClient(ControlPlaneUrl, adminToken));

        var suffix = Guid.NewGuid().ToString("N")[..8];
        DemoDeveloper = await InviteAsync(DemoTenantId, $"dev-{suffix}@portal.test", "developer");
        DemoFinance = await InviteAsync(DemoTenantId, $"finance-{suffix}@portal.test", "finance");
        var demo = await Admin.GetTenantAsync(DemoTenantId);
        var other = await Admin.CreateTenantAsync(new CreateTenantRequest($"other-{suffix}", "Other tenant", demo.PlanId));
        OtherTenantId = other.Id;
        OtherAdmin = await InviteAsync(other.Id, $"other-admin-{suffix}@portal.test", "tenant-admin");

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    private async Task<(string, string)> InviteAsync(Guid tenantId, string email, string role)
    {
        var invitation = await Admin.CreateInvitationAsync(tenantId, new CreateInvitationRequest(email, role));
        using var anonymous = new HttpClient { BaseAddress = new Uri(ControlPlaneUrl + "/") };
        await new ControlPlaneApi(anonymous).AcceptInvitationAsync(new AcceptInvitationRequest(invitation.Token, Password));
        return (email, Password);
    }

    /// <summary>A fresh browser context (no cookies) signed in as <paramref name="user"/> through the control plane's sign-in page.</summary>
    public async Task<IPage> SignInAsync((string Email, string Password) user)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(PortalUrl + "/");
        await page.WaitForURLAsync(url => url.StartsWith(ControlPlaneUrl + "/account/login", StringComparison.Ordinal));
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(PortalUrl, StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome" })).ToBeVisibleAsync();
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Standalone.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
