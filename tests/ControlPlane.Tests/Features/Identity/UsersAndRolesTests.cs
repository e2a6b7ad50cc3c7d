using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

public sealed class UsersAndRolesTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task FirstAdmin_FromConfiguration_SignsInWithCodeFlow_AndIsPlatformAdmin()
    {
        var tokens = await app.SignInAsync(ControlPlaneApp.FirstAdminEmail, ControlPlaneApp.FirstAdminPassword);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var me = await client.GetJsonAsync("/api/v1/me");
        Assert.Equal("user", (string)me["kind"]!);
        Assert.Equal(ControlPlaneApp.FirstAdminEmail, (string)me["email"]!);
        Assert.Equal(["platform-admin"], me["roles"]!.AsArray().Select(r => (string)r!));

        // A platform admin's token works on platform routes, and the audit log names the person.
        var plan = await client.CreatePlanAsync();
        var audit = await _admin.GetJsonAsync("/api/v1/audit?action=plan.created&pageSize=50");
        var entry = audit["items"]!.AsArray().Single(e => ((string)e!["target"]!).EndsWith(plan.Id(), StringComparison.Ordinal))!;
        Assert.Equal(ControlPlaneApp.FirstAdminEmail, (string)entry["actor"]!);
    }

    [Fact]
    public async Task AccessToken_IsSignedUnencryptedJwt_WithAccessTokenType()
    {
        var tokens = await app.SignInAsync(ControlPlaneApp.FirstAdminEmail, ControlPlaneApp.FirstAdminPassword);
        var parts = tokens.AccessToken.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[0]))!;
        Assert.Equal("at+jwt", (string)header["typ"]!);
        Assert.Equal("RS256", (string)header["alg"]!);
        Assert.NotNull(tokens.RefreshToken);

        // The signing key is published, under the kid the token names.
        using var anonymous = app.CreateClient();
        var discovery = await anonymous.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");
        var jwks = await anonymous.GetFromJsonAsync<JsonObject>(new Uri((string)discovery!["jwks_uri"]!).PathAndQuery);
        Assert.Contains(jwks!["keys"]!.AsArray(), k => (string)k!["kid"]! == (string)header["kid"]!);
        Assert.DoesNotContain(jwks["keys"]!.AsArray(), k => k!["d"] is not null);
        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], discovery["grant_types_supported"]!.AsArray().Select(g => (string)g!).Order());
    }

    [Fact]
    public async Task TenantAdmin_ManagesOwnTenant_AndGetsNotFoundForAnother()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (other, _) = await _admin.CreateTenantAsync();
        var (email, _, client) = await app.MemberAsync(tenant, "tenant-admin");

        var me = await client.GetJsonAsync("/api/v1/me");
        var membership = me["tenants"]!.AsArray().Single()!;
        Assert.Equal(tenant, (string)membership["tenantId"]!);
        Assert.Equal("tenant-admin", (string)membership["role"]!);
        Assert.Empty(me["roles"]!.AsArray());

        var key = await client.PostOkAsync($"/api/v1/tenants/{tenant}/api-keys", new { name = "own" });
        Assert.Equal(email, (string)key["apiKey"]!["createdBy"]!);

        // Another tenant's objects do not exist for this caller, whether the tenant or the object exists or not.
        var otherKey = await _admin.PostOkAsync($"/api/v1/tenants/{other}/api-keys", new { name = "theirs" });
        await (await client.GetAsync($"/api/v1/tenants/{other}/api-keys")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/v1/tenants/{other}/api-keys/{otherKey["apiKey"]!["id"]}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"/api/v1/tenants/{other}/api-keys/{otherKey["apiKey"]!["id"]}/revoke", new { })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/v1/tenants/{Guid.NewGuid()}/api-keys")).ProblemAsync(HttpStatusCode.NotFound);
        var stillActive = await _admin.GetJsonAsync($"/api/v1/tenants/{other}/api-keys/{otherKey["apiKey"]!["id"]}");
        Assert.Null(stillActive["revokedAt"]?.GetValue<DateTimeOffset?>());

        // Platform routes are not for tenant admins.
        await (await client.GetAsync("/api/v1/plans")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/v1/audit")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Developer_ManagesKeys_ButNotEndpointsOrMembers()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (_, _, developer) = await app.MemberAsync(tenant, "developer");

        await developer.PostOkAsync($"/api/v1/tenants/{tenant}/api-keys", new { name = "dev" });
        await developer.GetJsonAsync($"/api/v1/tenants/{tenant}/endpoints");
        await (await developer.PostAsJsonAsync($"/api/v1/tenants/{tenant}/endpoints", new { model = "m", baseUrl = "https://api.example.com" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await developer.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email = "x@example.com", role = "tenant-admin" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await app.WithDbAsync(db => db.ModelEndpoints.CountAsync(e => e.TenantId == Guid.Parse(tenant))));
    }

    [Fact]
    public async Task RemovedMembership_TakesEffectOnTheNextCall_WithTheSameToken()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (_, _, admin2) = await app.MemberAsync(tenant, "tenant-admin");
        var (_, _, developer) = await app.MemberAsync(tenant, "developer");
        var developerId = (string)(await developer.GetJsonAsync("/api/v1/me"))["userId"]!;
        await developer.GetJsonAsync($"/api/v1/tenants/{tenant}/api-keys");

        var removed = await admin2.DeleteAsync($"/api/v1/tenants/{tenant}/members/{developerId}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await (await developer.GetAsync($"/api/v1/tenants/{tenant}/api-keys")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LastTenantAdmin_CannotBeDemotedOrRemoved()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (_, _, admin) = await app.MemberAsync(tenant, "tenant-admin");
        var id = (string)(await admin.GetJsonAsync("/api/v1/me"))["userId"]!;
        await (await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/members/{id}", new { role = "developer" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.DeleteAsync($"/api/v1/tenants/{tenant}/members/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        var problem = await (await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant}/members/{id}", new { role = "owner" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("role"));
    }
}
