using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>Egress rules at registration: one tenant per private address:port, and credentials that do not follow a URL to another host.</summary>
public sealed class EgressRegistrationTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task APrivateAddressAndPortOfOneTenant_CannotBeRegisteredByAnother_ButAnotherPortCan()
    {
        var (first, _) = await _admin.CreateTenantAsync();
        var (second, _) = await _admin.CreateTenantAsync();
        await _admin.PostOkAsync($"/api/v1/tenants/{first}/endpoints", new { model = "gpu", baseUrl = "http://10.20.1.50:9000/v1" });

        var taken = await _admin.PostAsJsonAsync($"/api/v1/tenants/{second}/endpoints", new { model = "gpu", baseUrl = "http://10.20.1.50:9000/other" });
        var sameTenant = await _admin.PostAsJsonAsync($"/api/v1/tenants/{first}/endpoints", new { model = "gpu2", baseUrl = "http://10.20.1.50:9000/v2" });
        var otherPort = await _admin.PostAsJsonAsync($"/api/v1/tenants/{second}/endpoints", new { model = "gpu", baseUrl = "http://10.20.1.50:9001/v1" });

        var problem = await taken.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not allowed", string.Join(" ", problem.Errors("baseUrl")));
        Assert.DoesNotContain(first, problem.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, sameTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherPort.StatusCode);
    }

    [Fact]
    public async Task ABaseUrlChangeToAnotherHost_DropsTheStoredCredential_UnlessTheRequestSetsANewOne()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/endpoints", new
        {
            model = "moving", baseUrl = "https://api.example.com/v1", upstreamCredential = new { headerName = "X-Key", value = "old-secret" },
        });
        var url = $"/api/v1/tenants/{tenant}/endpoints/{created.Id()}";

        var samePlace = await _admin.PatchAsync(url, new { baseUrl = "https://api.example.com/v2" });
        var moved = await _admin.PatchAsync(url, new { baseUrl = "https://models.example.net/v1" });
        await _admin.PatchAsync(url, new { upstreamCredential = new { headerName = "X-Key", value = "new-secret" } });
        var movedWithNew = await _admin.PatchAsync(url, new { baseUrl = "https://api.example.com/v1", upstreamCredential = new { headerName = "X-Other", value = "newer-secret" } });

        Assert.Equal("X-Key", (string)samePlace["upstreamCredential"]!["headerName"]!);
        Assert.Null(moved["upstreamCredential"]);
        Assert.Equal("X-Other", (string)movedWithNew["upstreamCredential"]!["headerName"]!);
    }
}
