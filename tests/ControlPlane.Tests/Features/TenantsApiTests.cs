using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Features;

public sealed class TenantsApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Create_ValidRequest_ReturnsCreatedAndReadsBack()
    {
        var plan = await _admin.CreatePlanAsync();
        var response = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme-corp", displayName = " Acme Corp ", planId = plan.Id() });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        Assert.Equal($"/api/v1/tenants/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("acme-corp", (string)created["slug"]!);
        Assert.Equal("Acme Corp", (string)created["displayName"]!);
        Assert.Equal("active", (string)created["status"]!);

        var read = await _admin.GetJsonAsync($"/api/v1/tenants/{created.Id()}");
        Assert.Equal(created.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Create_EveryFieldInvalid_ReturnsAllErrorsAndStoresNothing()
    {
        var before = await app.WithDbAsync(db => db.Tenants.CountAsync());

        var response = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "Bad Slug!", displayName = "" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("slug"));
        Assert.NotEmpty(problem.Errors("displayName"));
        Assert.NotEmpty(problem.Errors("planId"));
        Assert.Equal(before, await app.WithDbAsync(db => db.Tenants.CountAsync()));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("UPPER")]
    [InlineData("with_underscore")]
    [InlineData("trailing\n")]
    [InlineData("a-slug-that-is-much-longer-than-forty-characters")]
    public async Task Create_SlugBreaksTheRule_Returns400(string slug)
    {
        var plan = await _admin.CreatePlanAsync();
        var response = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug, displayName = "x", planId = plan.Id() });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("slug"));
    }

    [Fact]
    public async Task Create_DuplicateSlug_Returns409()
    {
        var (_, slug) = await _admin.CreateTenantAsync();
        var plan = await _admin.CreatePlanAsync();

        var response = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug, displayName = "Again", planId = plan.Id() });

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(slug, (string)problem["detail"]!);
    }

    [Fact]
    public async Task Create_UnknownPlan_Returns400NamingThePlan()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "no-plan", displayName = "x", planId = Guid.NewGuid() });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("No plan", problem.Errors("planId").Single());
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        var response = await _admin.GetAsync($"/api/v1/tenants/{Guid.NewGuid()}");
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_DisplayNameAndPlan_UpdatesOnlyThose()
    {
        var (id, slug) = await _admin.CreateTenantAsync();
        var other = await _admin.CreatePlanAsync();

        var updated = await _admin.PatchAsync($"/api/v1/tenants/{id}", new { displayName = "Renamed", planId = other.Id() });

        Assert.Equal("Renamed", (string)updated["displayName"]!);
        Assert.Equal(other.Id(), (string)updated["planId"]!);
        Assert.Equal(slug, (string)updated["slug"]!);
    }

    [Fact]
    public async Task Patch_SlugChange_Returns400AndKeepsTheSlug()
    {
        var (id, slug) = await _admin.CreateTenantAsync();

        var response = await _admin.PatchAsJsonAsync($"/api/v1/tenants/{id}", new { slug = "new-slug", displayName = "Changed" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("slug"));
        var read = await _admin.GetJsonAsync($"/api/v1/tenants/{id}");
        Assert.Equal(slug, (string)read["slug"]!);
        Assert.NotEqual("Changed", (string)read["displayName"]!);
    }

    [Fact]
    public async Task SuspendAndResume_ChangeStatusAndRepeatingIsHarmless()
    {
        var (id, _) = await _admin.CreateTenantAsync();

        var suspended = await _admin.PostOkAsync($"/api/v1/tenants/{id}/suspend", new { reason = "unpaid invoice" }, HttpStatusCode.OK);
        Assert.Equal("suspended", (string)suspended["status"]!);
        Assert.Equal("unpaid invoice", (string)suspended["suspendedReason"]!);
        var again = await _admin.PostOkAsync($"/api/v1/tenants/{id}/suspend", new { }, HttpStatusCode.OK);
        Assert.Equal("suspended", (string)again["status"]!);

        var resumed = await _admin.PostOkAsync($"/api/v1/tenants/{id}/resume", new { }, HttpStatusCode.OK);
        Assert.Equal("active", (string)resumed["status"]!);
        Assert.Null(resumed["suspendedAt"]);

        var audit = await _admin.GetJsonAsync($"/api/v1/tenants/{id}/audit?action=tenant.");
        Assert.Equal(["tenant.resumed", "tenant.suspended", "tenant.created"], audit["items"]!.AsArray().Select(e => (string)e!["action"]!));
    }

    [Fact]
    public async Task Suspend_UnknownTenant_Returns404()
    {
        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{Guid.NewGuid()}/suspend", new { });
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_FilterAndPaging_ReturnsTheRequestedPage()
    {
        var (suspendedId, _) = await _admin.CreateTenantAsync();
        await _admin.CreateTenantAsync();
        await _admin.PostOkAsync($"/api/v1/tenants/{suspendedId}/suspend", new { }, HttpStatusCode.OK);

        var suspended = await _admin.GetJsonAsync("/api/v1/tenants?status=suspended&pageSize=200");
        Assert.Contains(suspended["items"]!.AsArray(), t => (string)t!["id"]! == suspendedId);
        Assert.All(suspended["items"]!.AsArray(), t => Assert.Equal("suspended", (string)t!["status"]!));

        var page = await _admin.GetJsonAsync("/api/v1/tenants?page=1&pageSize=1");
        Assert.Single(page["items"]!.AsArray());
        Assert.True((int)page["totalCount"]! >= 2);

        Assert.NotEmpty((await (await _admin.GetAsync("/api/v1/tenants?page=50000000")).ProblemAsync(HttpStatusCode.BadRequest)).Errors("page"));
        var bad = await _admin.GetAsync("/api/v1/tenants?status=deleted&pageSize=0");
        var problem = await bad.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("status"));
        Assert.NotEmpty(problem.Errors("pageSize"));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"slug\": 5}")]
    [InlineData("{\"slug\": \"ok-slug\", \"unknown\": true}")]
    [InlineData("")]
    [InlineData("not json")]
    public async Task Create_MalformedBody_Returns400ProblemNot500(string body)
    {
        var response = await _admin.PostAsync("/api/v1/tenants", Api.Json(body));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("Exception", problem.ToJsonString());
    }

    [Fact]
    public async Task Create_WrongContentType_Returns415Problem()
    {
        var response = await _admin.PostAsync("/api/v1/tenants", new StringContent("slug=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdefghijklmnopqrstuvwxyz")]
    [InlineData(ControlPlaneApp.NodeToken)]
    public async Task AnyAdminCall_WithoutTheAdminToken_Returns401(string? token)
    {
        var client = app.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var url in new[] { "/api/v1/tenants", "/api/v1/plans", "/api/v1/audit", $"/api/v1/tenants/{Guid.NewGuid()}/api-keys" })
        {
            var response = await client.GetAsync(url);
            await response.ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        var post = await client.PostAsJsonAsync("/api/v1/plans", new { name = "sneaky" });
        await post.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False(await app.WithDbAsync(db => db.Plans.AnyAsync(p => p.Name == "sneaky")));
    }
}
