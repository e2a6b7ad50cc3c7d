using Bunit;
using InferenceGateway.Contracts.Admin;
using InferenceGateway.Portal.Components.Pages.Platform;
using InferenceGateway.Portal.Components.Pages.Tenant;

namespace InferenceGateway.Portal.Tests.Components;

public sealed class TenantPagesTests : PortalTestContext
{
    [Fact]
    public void Endpoints_ValidationMessagesAreShownNextToTheirFields()
    {
        Api.CreateFailure = new(400, "One or more validation errors occurred.", null, new Dictionary<string, string[]>
        {
            ["baseUrl"] = ["The base URL must be an absolute http(s) URL."],
            ["timeoutSeconds"] = ["The timeout is from 1 to 600 seconds."],
        });
        var page = Render<Endpoints>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForElement("#model").Change("chat");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("The base URL must be an absolute http(s) URL.", page.Find("#baseUrl-error").TextContent));
        Assert.Equal("The timeout is from 1 to 600 seconds.", page.Find("#timeoutSeconds-error").TextContent);
        Assert.Empty(Api.Endpoints);
    }

    [Fact]
    public void Endpoints_Registered_AppearsInTheList()
    {
        var page = Render<Endpoints>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("No model endpoints yet", page.Markup));
        page.Find("#model").Change("chat");
        page.Find("#baseUrl").Change("https://models.example.com");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains(">chat<", page.Markup));
    }

    [Fact]
    public void Endpoints_Edit_SendsTheChangedFields_AndShowsTheApisRefusalNextToTheField()
    {
        Api.Endpoints.Add(FakeControlPlaneApi.Endpoint("chat"));
        var page = Render<Endpoints>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains(">chat<", page.Markup));
        page.FindAll("button").Single(b => b.GetAttribute("aria-label") == "Edit chat").Click();
        Assert.Equal("https://models.example.com", page.Find("#baseUrl").GetAttribute("value"));

        Api.CreateFailure = Validation("timeoutSeconds", "The timeout is from 1 to 600 seconds.");
        page.Find("#timeoutSeconds").Change("9000");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("The timeout is from 1 to 600 seconds.", page.Find("#timeoutSeconds-error").TextContent));

        page.Find("#timeoutSeconds").Change("120");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal(120, Api.Endpoints.Single().TimeoutSeconds));
        Assert.Contains("Register an endpoint", page.Markup);
    }

    [Fact]
    public void Endpoints_ForADeveloper_IsNotFound()
    {
        Api.Me = FakeControlPlaneApi.As("developer");
        var page = Render<Endpoints>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("Not found", page.Find("h1").TextContent));
        Assert.DoesNotContain(Api.Calls, c => c.StartsWith("ListEndpointsAsync", StringComparison.Ordinal));
    }

    [Fact]
    public void HowToCall_SnippetsCarryTheGatewayUrlTenantAndModel()
    {
        Api.Me = FakeControlPlaneApi.As("developer");
        Api.Endpoints.Add(FakeControlPlaneApi.Endpoint("chat"));
        var page = Render<HowToCall>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("pre.snippet").Count));
        var snippets = page.FindAll("pre.snippet").Select(s => s.TextContent).ToList();
        Assert.All(snippets, s => Assert.Contains("https://gateway.example.test/t/acme/chat/v1", s));
        Assert.Contains("curl", snippets[0]);
        Assert.Contains("from openai import OpenAI", snippets[1]);
        Assert.Contains("import OpenAI from \"openai\"", snippets[2]);
    }

    [Fact]
    public void HowToCall_NoModels_SaysWhoRegistersThem()
    {
        var page = Render<HowToCall>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("no model endpoints yet", page.Markup));
    }

    [Fact]
    public void Issuers_Register_AppearsWithItsMapping_AndRefusalsAreNextToTheirFields()
    {
        var page = Render<Issuers>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("No external issuers", page.Markup));

        Api.CreateFailure = Validation("jwksUrl", "The JWKS URL must be a public https URL.");
        page.Find("#issuerName").Change("corp idp");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("The JWKS URL must be a public https URL.", page.Find("#jwksUrl-error").TextContent));

        page.Find("#issuerUrl").Change("https://idp.example.com/");
        page.Find("#jwksUrl").Change("https://idp.example.com/jwks");
        page.Find("#audience").Change("gateway");
        page.Find("#claimValue").Change("chat-users");
        page.Find("#claimModels").Change("chat");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("scope=chat-users: chat", page.Markup));
        Assert.Equal("chat", Assert.Single(Api.Issuers.Single().Mappings).AllowedModels!.Single());
        Assert.Equal(["at+jwt"], Api.Issuers.Single().AcceptedTokenTypes);
    }

    [Fact]
    public void Issuers_Register_WithTypJwt_SendsBothTokenTypes_AndListsThem()
    {
        var page = Render<Issuers>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("No external issuers", page.Markup));
        page.Find("#issuerName").Change("auth0");
        page.Find("#issuerUrl").Change("https://acme.eu.auth0.com/");
        page.Find("#jwksUrl").Change("https://acme.eu.auth0.com/.well-known/jwks.json");
        page.Find("#audience").Change("https://api.acme.example");
        page.Find("#acceptJwtType").Change(true);
        page.Find("#claimValue").Change("llm:chat");
        page.Find("#claimModels").Change("chat");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("at+jwt, JWT", page.Markup));
        Assert.Equal(["at+jwt", "JWT"], Api.Issuers.Single().AcceptedTokenTypes);
    }

    [Fact]
    public void OAuthClients_Create_ShowsTheSecretOnce()
    {
        var page = Render<OAuthClients>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForElement("#clientName").Change("batch job");
        page.Find("#clientModels").Change("chat");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("client-secret-shown-once", page.Find("[data-testid=secret]").TextContent));
        page.FindAll("button").Single(b => b.TextContent.Contains("I have copied it", StringComparison.Ordinal)).Click();
        Assert.DoesNotContain("client-secret-shown-once", page.Markup);
    }

    [Fact]
    public void Members_Invite_ShowsTheLinkTokenOnce()
    {
        var page = Render<Members>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForElement("#inviteEmail").Change("new@example.test");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("invitation-token-shown-once", page.Find("[data-testid=secret]").TextContent));
    }

    [Fact]
    public void Members_RoleFilterGoesToTheServer()
    {
        Api.Members.Add(new MemberResponse(Guid.NewGuid(), "dev@example.test", "developer", default));
        Api.Members.Add(new MemberResponse(Guid.NewGuid(), "money@example.test", "finance", default));
        var page = Render<Members>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("money@example.test", page.Markup));
        page.Find("#roleFilter").Change("developer");
        page.WaitForAssertion(() => Assert.DoesNotContain("money@example.test", page.Markup));
        Assert.Contains("dev@example.test", page.Markup);
        Assert.Contains("ListMembersAsync:developer:1", Api.Calls);
    }

    [Fact]
    public void Members_InviteRefused_TheMessageIsNextToTheEmail()
    {
        Api.CreateFailure = Validation("email", "The email address is not valid.");
        var page = Render<Members>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForElement("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("The email address is not valid.", page.Find("#email-error").TextContent));
    }

    [Fact]
    public void TenantAudit_FilterGoesToTheServer()
    {
        Api.Audit.Add(new AuditEventResponse(Guid.NewGuid(), DateTimeOffset.UnixEpoch, "someone", FakeControlPlaneApi.TenantId, "api_key.created", "api_key/1", "Issued key 'ci'."));
        var page = Render<InferenceGateway.Portal.Components.Pages.Tenant.Audit>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("Issued key", page.Markup));
        page.Find("#auditAction").Change("endpoint.");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("No events match", page.Markup));
        Assert.Contains($"ListAuditAsync:{FakeControlPlaneApi.TenantId}:endpoint.:1::", Api.Calls);
    }

    [Fact]
    public void Fleet_ShowsEachNodesStateAndLastError()
    {
        Api.Me = FakeControlPlaneApi.As("platform-admin");
        Api.Nodes.Add(new NodeResponse("node-a", "1.0.0", "drift", 6, 7, 1, DateTimeOffset.UnixEpoch, null, "content hash differs", null, 10, 0, Guid.Empty, null, 0, null, null, null, null));
        var page = Render<Fleet>();
        page.WaitForAssertion(() => Assert.Contains("node-a", page.Markup));
        Assert.Contains("state-drift", page.Markup);
        Assert.Contains("content hash differs", page.Markup);
    }

    [Fact]
    public void Fleet_ForATenantAdmin_IsNotFound()
    {
        var denied = Render<Fleet>();
        denied.WaitForAssertion(() => Assert.Contains("Not found", denied.Find("h1").TextContent));
    }
}
