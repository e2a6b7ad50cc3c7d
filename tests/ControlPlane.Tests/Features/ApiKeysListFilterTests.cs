using System.Net;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>The key list filters on the server, so the portal pages through a tenant's keys without fetching them all.</summary>
public sealed class ApiKeysListFilterTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task List_FiltersByStatusAndName_AndRefusesUnknownStatus()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var keys = $"/api/v1/tenants/{tenantId}/api-keys";
        await _admin.PostOkAsync(keys, new { name = "build server" });
        var laptop = await _admin.PostOkAsync(keys, new { name = "old laptop" });
        await _admin.PostOkAsync(keys, new { name = "new laptop" });
        await _admin.PostOkAsync($"{keys}/{laptop["apiKey"]!.AsObject().Id()}/revoke", new { }, HttpStatusCode.OK);

        var revoked = await _admin.GetJsonAsync($"{keys}?status=revoked");
        Assert.Equal("old laptop", (string)Assert.Single(revoked["items"]!.AsArray())!["name"]!);

        var activeLaptops = await _admin.GetJsonAsync($"{keys}?status=active&search=laptop");
        Assert.Equal("new laptop", (string)Assert.Single(activeLaptops["items"]!.AsArray())!["name"]!);
        Assert.Equal(3, (int)(await _admin.GetJsonAsync(keys))["totalCount"]!);

        var bad = await (await _admin.GetAsync($"{keys}?status=lost")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.Errors("status"));
    }
}
