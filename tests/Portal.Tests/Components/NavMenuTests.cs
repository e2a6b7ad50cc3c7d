using Bunit;
using InferenceGateway.Portal.Components.Layout;

namespace InferenceGateway.Portal.Tests.Components;

public sealed class NavMenuTests : PortalTestContext
{
    private string[] Links()
    {
        var menu = Render<NavMenu>();
        return menu.FindAll("a").Select(a => a.TextContent.Trim()).Where(t => t.Length > 0).ToArray();
    }

    [Fact]
    public void PlatformAdmin_SeesThePlatformPages()
    {
        Api.Me = FakeControlPlaneApi.As("platform-admin");
        var links = Links();
        Assert.Contains("Tenants", links);
        Assert.Contains("Fleet", links);
        Assert.Contains("Audit log", links);
        Assert.DoesNotContain("API keys", links);
    }

    [Fact]
    public void TenantAdmin_SeesEveryPageOfItsTenant_AndNoPlatformPage()
    {
        Api.Me = FakeControlPlaneApi.As("tenant-admin");
        var links = Links();
        Assert.Equal(["Overview", "Members", "Model endpoints", "API keys", "OAuth clients", "External issuers", "How to call", "Usage", "Quota", "Invoices", "Audit log"], links.Where(l => !l.StartsWith("Acme", StringComparison.Ordinal)).ToArray());
        Assert.DoesNotContain("Tenants", links);
    }

    [Fact]
    public void Developer_SeesKeysHowToCallAndUsage()
    {
        Api.Me = FakeControlPlaneApi.As("developer");
        Assert.Equal(["API keys", "How to call", "Usage"], Links().Where(l => !l.StartsWith("Acme", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void Finance_SeesInvoicesUsageAndQuota()
    {
        Api.Me = FakeControlPlaneApi.As("finance");
        Assert.Equal(["Invoices", "Usage", "Quota"], Links().Where(l => !l.StartsWith("Acme", StringComparison.Ordinal)).ToArray());
    }
}
