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
    public void Plans_QuotaEnforcement_IsSentAndShownNextToTheQuotas()
    {
        var page = Render<Plans>();
        page.WaitForAssertion(() => Assert.Contains("No plans yet", page.Markup));
        page.Find("#planName").Change("Soft");
        page.Find("#enforcement").Change("soft");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("soft", page.Find("[data-testid=plan-enforcement]").TextContent));
        Assert.Equal(QuotaEnforcement.Soft, Api.Plans.Single().Limits.QuotaEnforcement);
    }

    [Fact]
    public void Plans_RateLimitRules_AreSentAndShownInTheList()
    {
        var page = Render<Plans>();
        page.WaitForAssertion(() => Assert.Contains("No plans yet", page.Markup));
        page.Find("#planName").Change("Fleet");
        page.Find("#scopeTenant").Change(nameof(RateLimitScope.Cluster));
        page.Find("#downTenant").Change(nameof(RateLimitRedisDownMode.Closed));
        page.Find("#shadowKey").Change(true);
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("tenant: cluster (closed without Redis)", page.Markup));
        var limits = Api.LastPlanRequest!.Limits!;
        Assert.Equal(RateLimitScope.Cluster, limits.RateLimitScopePerTenant.Value);
        Assert.Equal(RateLimitRedisDownMode.Closed, limits.RedisDownModePerTenant.Value);
        Assert.Equal(RateLimitScope.Node, limits.RateLimitScopePerKey.Value);
        Assert.True(limits.ShadowRateLimitPerKey.Value);
        Assert.False(limits.ShadowRateLimitPerTenant.Value);
        Assert.Contains("key: node, shadow", page.Markup);
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

    [Fact]
    public void GlobalAudit_TenantActionAndDaysGoToTheServer_AsAHalfOpenRange()
    {
        var acme = new TenantResponse(FakeControlPlaneApi.TenantId, "acme", "Acme", "active", Guid.NewGuid(), default, default, null, null);
        Api.Tenants.Add(acme);
        Api.Audit.Add(new AuditEventResponse(Guid.NewGuid(), DateTimeOffset.UnixEpoch, "someone", acme.Id, "api_key.created", "api_key/1", "Issued key 'ci'."));
        var page = Render<Audit>();
        page.WaitForAssertion(() => Assert.Contains("Issued key", page.Markup));
        Assert.Contains("ListAuditAsync:::1::", Api.Calls);

        page.Find("#auditTenant").Change(acme.Id.ToString());
        page.Find("#auditAction").Change("tenant.");
        page.Find("#auditFrom").Change("2026-11-01");
        page.Find("#auditTo").Change("2026-11-30");
        page.Find("form[aria-label='Filter events']").Submit();

        page.WaitForAssertion(() => Assert.Contains("No events match", page.Markup));
        Assert.Contains($"ListAuditAsync:{acme.Id}:tenant.:1:2026-11-01T00:00:00.0000000+00:00:2026-12-01T00:00:00.0000000+00:00", Api.Calls);
    }

    [Fact]
    public void GlobalAudit_RangeRefused_TheApisMessageIsNextToTheField()
    {
        var page = Render<Audit>();
        page.WaitForElement("#auditFrom").Change("2026-11-30");
        page.Find("#auditTo").Change("2026-11-01");
        Api.Failure = Validation("to", "'to' must be later than 'from'.");
        page.Find("form[aria-label='Filter events']").Submit();

        page.WaitForAssertion(() => Assert.Equal("'to' must be later than 'from'.", page.Find("#to-error").TextContent));
        Assert.DoesNotContain("Exception", page.Markup);
    }
}
