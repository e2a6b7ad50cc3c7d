using Bunit;
using InferenceGateway.Contracts.Admin;
using InferenceGateway.Portal.Components.Pages.Platform;

namespace InferenceGateway.Portal.Tests.Components;

public sealed class PlatformPagesTests : PortalTestContext
{
    public PlatformPagesTests() => Api.Me = FakeControlPlaneApi.As("platform-admin");

    [Fact]
    public void Plans_ValidationMessagesAreShownNextToTheirFields_AndNothingIsCreated()
    {
        Api.CreateFailure = new(400, "One or more validation errors occurred.", null, new Dictionary<string, string[]>
        {
            ["limits.requestsPerSecondPerKey"] = ["The rate is from 0.01 to 100000 requests per second."],
            ["prices.currency"] = ["The currency is a three-letter ISO 4217 code in capitals, for example USD."],
        });
        var page = Render<Plans>();
        page.WaitForElement("#planName").Change("Gold");
        page.Find("#rpsKey").Change("0");
        page.Find("#currency").Change("euro");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(
            "The rate is from 0.01 to 100000 requests per second.", page.Find("[id='limits.requestsPerSecondPerKey-error']").TextContent));
        Assert.Equal("The currency is a three-letter ISO 4217 code in capitals, for example USD.", page.Find("[id='prices.currency-error']").TextContent);
        Assert.Empty(Api.Plans);
    }

    [Fact]
    public void Plans_Created_AppearsInTheList()
    {
        var page = Render<Plans>();
        page.WaitForAssertion(() => Assert.Contains("No plans yet", page.Markup));
        page.Find("#planName").Change("Gold");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains(">Gold<", page.Markup));
    }

    [Fact]
    public void Blocks_ListsBlocksInForce_AndTheToggleAsksTheServerForAll()
    {
        Api.Blocks.Add(new BlockResponse(Guid.NewGuid(), "network", "203.0.113.0/24", null, "scraping", default, DateTimeOffset.UnixEpoch.AddDays(1), null, "ops"));
        var page = Render<Blocks>();
        page.WaitForAssertion(() => Assert.Contains("203.0.113.0/24", page.Markup));
        page.Find("#showAll").Change(true);
        page.WaitForAssertion(() => Assert.Contains("ListBlocksAsync:True", Api.Calls));
    }

    [Fact]
    public void Blocks_None_TheEmptyStateSaysWhatToDo()
    {
        var page = Render<Blocks>();
        page.WaitForAssertion(() => Assert.Contains("No blocks in force. Issue one below", page.Markup));
    }

    [Fact]
    public void Tenants_StatusFilterGoesToTheServer()
    {
        var page = Render<Tenants>();
        page.WaitForElement("#statusFilter").Change("suspended");
        page.WaitForAssertion(() => Assert.Contains("ListTenantsAsync:suspended:1", Api.Calls));
    }
}
