using Bunit;
using InferenceGateway.ControlPlane.Client;
using InferenceGateway.Portal.Components.Pages.Tenant;

namespace InferenceGateway.Portal.Tests.Components;

public sealed class ApiKeysPageTests : PortalTestContext
{
    private IRenderedComponent<ApiKeys> RenderPage(Guid? tenant = null) =>
        Render<ApiKeys>(p => p.Add(x => x.TenantId, tenant ?? FakeControlPlaneApi.TenantId));

    [Fact]
    public void NoKeys_TheEmptyStateSaysWhatToDo()
    {
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("No API keys yet. Create one below", page.Markup));
    }

    [Fact]
    public void Create_ShowsTheSecretOnce_AndDismissingRemovesItForGood()
    {
        var page = RenderPage();
        page.WaitForElement("#keyName").Change("ci key");
        page.Find("#create-key").Submit();

        page.WaitForAssertion(() => Assert.Equal("igw_abcdef_the-secret-shown-once", page.Find("[data-testid=secret]").TextContent));
        Assert.Contains("shown this once", page.Markup);
        Assert.Contains("ci key", page.Markup);

        page.FindAll("button").Single(b => b.TextContent.Contains("I have copied it", StringComparison.Ordinal)).Click();
        Assert.DoesNotContain("the-secret-shown-once", page.Markup);
        Assert.Contains("ci key", page.Markup);
    }

    [Fact]
    public void CreateRefused_TheApisMessageIsNextToTheField()
    {
        Api.CreateFailure = Validation("name", "The name is required and has at most 200 characters.");
        var page = RenderPage();
        page.WaitForElement("#create-key").Submit();

        page.WaitForAssertion(() => Assert.Equal("The name is required and has at most 200 characters.", page.Find("#name-error").TextContent));
        Assert.Empty(page.FindAll("[data-testid=secret]"));
    }

    [Fact]
    public void ControlPlaneUnreachable_AReadableMessage_NotAnException()
    {
        Api.Failure = new ControlPlaneApiException(0, "The control plane cannot be reached right now", "Try again in a moment.");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("The control plane cannot be reached right now", page.Find("[role=alert]").TextContent));
        Assert.DoesNotContain("Exception", page.Markup);
    }

    [Fact]
    public void AnotherTenantsPage_IsNotFound_AndNothingOfItIsAskedFor()
    {
        var page = RenderPage(FakeControlPlaneApi.OtherTenantId);
        page.WaitForAssertion(() => Assert.Contains("Not found", page.Find("h1").TextContent));
        Assert.DoesNotContain(Api.Calls, c => c.Contains(FakeControlPlaneApi.OtherTenantId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Filter_StatusAndNameGoToTheServer()
    {
        Api.Keys.Add(FakeControlPlaneApi.Key("build server"));
        Api.Keys.Add(FakeControlPlaneApi.Key("old laptop", "revoked"));
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("old laptop", page.Markup));
        page.Find("#keyStatus").Change("revoked");
        page.Find("#keySearch").Change("laptop");
        page.Find("form[aria-label='Filter keys']").Submit();
        page.WaitForAssertion(() => Assert.DoesNotContain("build server", page.Markup));
        Assert.Contains("old laptop", page.Markup);
        Assert.Contains($"ListApiKeysAsync:{FakeControlPlaneApi.TenantId}:revoked:laptop", Api.Calls);
    }

    [Fact]
    public void Developer_MayUseTheKeysPage()
    {
        Api.Me = FakeControlPlaneApi.As("developer");
        Api.Keys.Add(FakeControlPlaneApi.Key("build server"));
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("build server", page.Markup));
    }
}
