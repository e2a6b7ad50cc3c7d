using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

public sealed class OAuthClientsTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();
    private readonly HttpClient _anonymous = app.CreateClient();

    private async Task<HttpResponseMessage> TokenAsync(string clientId, string secret, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        return await _anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    private async Task<string> AccessTokenAsync(string clientId, string secret, string? scope = null)
    {
        var response = await TokenAsync(clientId, secret, scope);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token: {(int)response.StatusCode} {body}");
        return (string)body!["access_token"]!;
    }

    private HttpClient Bearer(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static JsonObject Payload(string jwt) => JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1]))!.AsObject();

    [Fact]
    public async Task CreatedClient_GetsTokensNamingTenantAndModels_SecretShownOnceAndStoredHashed()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (_, _, tenantAdmin) = await app.MemberAsync(tenant, "tenant-admin");
        var created = await tenantAdmin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "batch jobs", allowedModels = new[] { "chat", "embed" } });
        var clientId = (string)created["client"]!["clientId"]!;
        var secret = (string)created["clientSecret"]!;
        Assert.StartsWith("igwcs_", secret, StringComparison.Ordinal);

        var listed = await (await tenantAdmin.GetAsync($"/api/v1/tenants/{tenant}/oauth-clients")).Content.ReadAsStringAsync();
        Assert.Contains(clientId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication<Guid>>().SingleAsync(a => a.ClientId == clientId));
        Assert.False(string.IsNullOrEmpty(stored.ClientSecret));
        Assert.DoesNotContain(secret, stored.ClientSecret!, StringComparison.Ordinal);

        var token = await AccessTokenAsync(clientId, secret);
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!;
        Assert.Equal("at+jwt", (string)header["typ"]!);
        var claims = Payload(token);
        Assert.Equal(tenant, (string)claims["tenant"]!);
        Assert.Equal(clientId, (string)claims["client_id"]!);
        Assert.Equal(clientId, (string)claims["sub"]!);
        Assert.Equal(["model:chat", "model:embed"], ((string)claims["scope"]!).Split(' ').Order());
        Assert.Equal(15 * 60, (long)claims["exp"]! - (long)claims["iat"]!);

        // A narrower request gets a narrower token; a scope the client does not hold gets nothing.
        Assert.Equal("model:chat", (string)Payload(await AccessTokenAsync(clientId, secret, "model:chat"))["scope"]!);
        var refused = await TokenAsync(clientId, secret, "model:other");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null((await refused.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(clientId, secret + "x")).StatusCode);

        // A client without the admin scope cannot use the admin API.
        await (await Bearer(token).GetAsync($"/api/v1/tenants/{tenant}/api-keys")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AdminClient_ActsAsTenantAdminOfItsTenantOnly_UntilRevoked()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (other, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "automation", admin = true });
        var clientId = (string)created["client"]!["clientId"]!;
        var client = Bearer(await AccessTokenAsync(clientId, (string)created["clientSecret"]!, "admin"));

        var me = await client.GetJsonAsync("/api/v1/me");
        Assert.Equal("oauth-client", (string)me["kind"]!);
        var key = await client.PostOkAsync($"/api/v1/tenants/{tenant}/api-keys", new { name = "by-machine" });
        Assert.Equal("oauth-client:" + clientId, (string)key["apiKey"]!["createdBy"]!);
        await (await client.GetAsync($"/api/v1/tenants/{other}/api-keys")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/plans")).ProblemAsync(HttpStatusCode.Forbidden);

        await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients/{created["client"]!["id"]}/revoke", new { }, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/tenants/{tenant}/api-keys")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await TokenAsync(clientId, (string)created["clientSecret"]!)).StatusCode);
        await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/oauth-clients/{created["client"]!["id"]}/rotate-secret", new { })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RotatedSecret_ReplacesTheOldOneAtOnce()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "rotating", allowedModels = new[] { "chat" } });
        var clientId = (string)created["client"]!["clientId"]!;
        var rotated = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients/{created["client"]!["id"]}/rotate-secret", new { }, HttpStatusCode.OK);
        Assert.NotEqual((string)created["clientSecret"]!, (string)rotated["clientSecret"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(clientId, (string)created["clientSecret"]!)).StatusCode);
        await AccessTokenAsync(clientId, (string)rotated["clientSecret"]!);
    }

    [Fact]
    public async Task InvalidClient_GetsEveryError_AndNothingIsCreated()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var problem = await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "", allowedModels = new[] { "Not A Slug" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("name"));
        Assert.NotEmpty(problem.Errors("allowedModels"));
        var none = await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "nothing" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(none.Errors("allowedModels"));
        Assert.Equal(0, await app.WithDbAsync(db => db.OAuthClients.CountAsync(c => c.TenantId == Guid.Parse(tenant))));
    }
}
