using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Features.ModelEndpoints;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features;

public sealed class ModelEndpointsApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Create_PublicUrlWithCredential_StoresItEncryptedAndNeverReturnsIt()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        const string credential = "Bearer sk-upstream-0123456789";

        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "llama-3.1-8b",
            baseUrl = "HTTPS://API.Example.com./v1/",
            upstreamCredential = new { headerName = "Authorization", value = credential },
            timeoutSeconds = 30,
        });

        Assert.Equal("https://api.example.com/v1", (string)created["baseUrl"]!);
        Assert.Equal("Authorization", (string)created["upstreamCredential"]!["headerName"]!);
        Assert.True((bool)created["upstreamCredential"]!["configured"]!);
        Assert.Equal(30, (int)created["timeoutSeconds"]!);
        Assert.True((bool)created["enabled"]!);
        Assert.DoesNotContain("sk-upstream", created.ToJsonString());
        Assert.DoesNotContain("sk-upstream", await _admin.GetStringAsync($"/api/v1/tenants/{tenantId}/endpoints/{created.Id()}"));
        Assert.DoesNotContain("sk-upstream", await _admin.GetStringAsync($"/api/v1/tenants/{tenantId}/endpoints"));

        var stored = await app.WithDbAsync(db => db.ModelEndpoints.AsNoTracking().SingleAsync(e => e.Id == Guid.Parse(created.Id())));
        Assert.DoesNotContain("sk-upstream", stored.ProtectedUpstreamCredential);
        Assert.Equal(credential, app.Services.GetRequiredService<UpstreamCredentials>().Unprotect(stored.ProtectedUpstreamCredential!));

        // The key ring that protects the credential is itself stored encrypted under the master key.
        var ring = await app.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.Contains("urn:inference-gateway:data-protection", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
    }

    [Fact]
    public async Task Create_LongestAllowedUrl_IsAcceptedAndAudited()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var url = "https://api.example.com/" + new string('a', 2048 - "https://api.example.com/".Length);

        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "long", baseUrl = url });

        Assert.Equal(url, (string)created["baseUrl"]!);
        var audit = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantId}/audit?action=endpoint.created");
        Assert.True(((string)audit["items"]![0]!["summary"]!).Length <= 2000);
        var tooLong = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "longer", baseUrl = url + "a" });
        await tooLong.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_Ipv6PublicHost_IsAccepted()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "m6", baseUrl = "http://models.example.net:8080" });
        Assert.Equal("http://models.example.net:8080", (string)created["baseUrl"]!);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "loopback")]
    [InlineData("http://0x7f.1/", "loopback")]
    [InlineData("http://[::ffff:169.254.169.254]/", "metadata")]
    [InlineData("http://internal.example.com/", "not allowed")]
    [InlineData("http://mixed.example.com/", "not allowed")]
    [InlineData("ftp://api.example.com/", "http and https")]
    [InlineData("http://user:pw@api.example.com/", "user information")]
    [InlineData("http://nowhere.invalid/", "not allowed")]
    public async Task Create_UnsafeUrl_Returns400WithTheReasonAndStoresNothing(string url, string reason)
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "m", baseUrl = url });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(reason, string.Join(" ", problem.Errors("baseUrl")));
        Assert.DoesNotContain("10.1.2.3", problem.ToJsonString());
        Assert.False(await app.WithDbAsync(db => db.ModelEndpoints.AnyAsync(e => e.TenantId == Guid.Parse(tenantId))));
    }

    [Fact]
    public async Task Create_AllowListedPrivateNetwork_IsAccepted()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "onprem", baseUrl = "http://10.20.1.5:9000" });
        var outside = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "onprem2", baseUrl = "http://10.21.0.1:9000" });
        await outside.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_InvalidFields_ReturnsEveryErrorWithoutEchoingTheCredential()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "Bad/Model",
            baseUrl = "http://127.0.0.1",
            upstreamCredential = new { headerName = "Host", value = "secret-with-trailing-space " },
            timeoutSeconds = 0,
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "model", "baseUrl", "upstreamCredential.headerName", "upstreamCredential.value", "timeoutSeconds" })
        {
            Assert.True(problem.Errors(field).Count > 0, $"no error for {field}");
        }

        Assert.DoesNotContain("secret-with-trailing-space", problem.ToJsonString());
    }

    [Fact]
    public async Task Create_CredentialWithANewline_IsRefusedWithoutEchoingIt()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "newline", baseUrl = "https://api.example.com", upstreamCredential = new { headerName = "X-Key", value = "secret-with-newline\r\n" },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("upstreamCredential.value"));
        Assert.DoesNotContain("secret-with-newline", problem.ToJsonString());
    }

    [Fact]
    public async Task Create_SameModelTwice_Returns409()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "dup", baseUrl = "https://api.example.com" });
        var again = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "dup", baseUrl = "https://api.example.com/other" });
        await again.ProblemAsync(HttpStatusCode.Conflict);

        // Another tenant may use the same model name.
        var (otherTenant, _) = await _admin.CreateTenantAsync();
        await _admin.PostOkAsync($"/api/v1/tenants/{otherTenant}/endpoints", new { model = "dup", baseUrl = "https://api.example.com" });
    }

    [Fact]
    public async Task Patch_ChangesUrlTimeoutAndRemovesCredential()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "patched",
            baseUrl = "https://api.example.com/v1",
            upstreamCredential = new { headerName = "X-Api-Key", value = "k" },
        });
        var url = $"/api/v1/tenants/{tenantId}/endpoints/{created.Id()}";

        var patched = await _admin.PatchAsync(url, Api.Json("{\"baseUrl\":\"https://api.example.com/v2\",\"timeoutSeconds\":5,\"upstreamCredential\":null,\"enabled\":false}"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var read = await _admin.GetJsonAsync(url);
        Assert.Equal("https://api.example.com/v2", (string)read["baseUrl"]!);
        Assert.Equal(5, (int)read["timeoutSeconds"]!);
        Assert.Null(read["upstreamCredential"]);
        Assert.False((bool)read["enabled"]!);
    }

    [Fact]
    public async Task Patch_UnsafeUrlOrModelRename_Returns400AndKeepsTheEndpoint()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "stable", baseUrl = "https://api.example.com/v1" });
        var url = $"/api/v1/tenants/{tenantId}/endpoints/{created.Id()}";

        var response = await _admin.PatchAsJsonAsync(url, new { model = "renamed", baseUrl = "http://169.254.169.254/latest" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("model"));
        Assert.NotEmpty(problem.Errors("baseUrl"));
        var read = await _admin.GetJsonAsync(url);
        Assert.Equal("https://api.example.com/v1", (string)read["baseUrl"]!);
    }

    [Fact]
    public async Task Delete_RemovesTheEndpointAndThenItIsNotFound()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "gone", baseUrl = "https://api.example.com" });
        var url = $"/api/v1/tenants/{tenantId}/endpoints/{created.Id()}";

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync(url)).StatusCode);

        await (await _admin.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.DeleteAsync(url)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EndpointOfAnotherTenant_IsNotFoundThroughThisTenant()
    {
        var (tenantA, _) = await _admin.CreateTenantAsync();
        var (tenantB, _) = await _admin.CreateTenantAsync();
        var ofB = await _admin.PostOkAsync($"/api/v1/tenants/{tenantB}/endpoints", new { model = "b-model", baseUrl = "https://api.example.com" });

        var viaA = $"/api/v1/tenants/{tenantA}/endpoints/{ofB.Id()}";
        await (await _admin.GetAsync(viaA)).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PatchAsJsonAsync(viaA, new { timeoutSeconds = 3 })).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.DeleteAsync(viaA)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/v1/tenants/{tenantB}/endpoints/{ofB.Id()}")).StatusCode);
    }
}
