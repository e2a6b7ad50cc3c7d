using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Features;

public sealed class AuditApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    private Task<int> AuditCountAsync() => app.WithDbAsync(db => db.AuditEvents.CountAsync());

    private async Task ExpectOneEventAsync(string action, Func<Task> mutation)
    {
        var before = await AuditCountAsync();
        await mutation();
        Assert.Equal(before + 1, await AuditCountAsync());
        var newest = await _admin.GetJsonAsync("/api/v1/audit?pageSize=1");
        var entry = newest["items"]!.AsArray().Single()!;
        Assert.Equal(action, (string)entry["action"]!);
        Assert.Equal("bootstrap-admin", (string)entry["actor"]!);
    }

    [Fact]
    public async Task EveryMutation_WritesExactlyOneAuditEvent()
    {
        string planId = "", tenantId = "", keyId = "", endpointId = "";
        await ExpectOneEventAsync("plan.created", async () => planId = (await _admin.CreatePlanAsync()).Id());
        await ExpectOneEventAsync("plan.updated", () => _admin.PatchAsync($"/api/v1/plans/{planId}", new { limits = new { burstPerKey = 3 } }));
        await ExpectOneEventAsync("tenant.created", async () => tenantId = (await _admin.CreateTenantAsync(planId)).Id);
        await ExpectOneEventAsync("tenant.updated", () => _admin.PatchAsync($"/api/v1/tenants/{tenantId}", new { displayName = "New name" }));
        await ExpectOneEventAsync("tenant.suspended", () => _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/suspend", new { }, HttpStatusCode.OK));
        await ExpectOneEventAsync("tenant.resumed", () => _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/resume", new { }, HttpStatusCode.OK));
        await ExpectOneEventAsync("api_key.created", async () => keyId = (await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "a" }))["apiKey"]!.AsObject().Id());
        await ExpectOneEventAsync("api_key.rotated", () => _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", new { gracePeriodSeconds = 10 }, HttpStatusCode.OK));
        await ExpectOneEventAsync("api_key.revoked", () => _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/revoke", new { }, HttpStatusCode.OK));
        await ExpectOneEventAsync("endpoint.created", async () => endpointId = (await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "m", baseUrl = "https://api.example.com" })).Id());
        await ExpectOneEventAsync("endpoint.updated", () => _admin.PatchAsync($"/api/v1/tenants/{tenantId}/endpoints/{endpointId}", new { timeoutSeconds = 9 }));
        string blockId = "";
        await ExpectOneEventAsync("block.issued", async () => blockId = (await _admin.PostOkAsync("/api/v1/blocks", new { target = "tenant", value = tenantId, durationSeconds = 60, reason = "abuse" })).Id());
        await ExpectOneEventAsync("block.lifted", async () => Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/api/v1/blocks/{blockId}")).StatusCode));
        await ExpectOneEventAsync("endpoint.deleted", async () => Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/v1/tenants/{tenantId}/endpoints/{endpointId}")).StatusCode));
    }

    [Fact]
    public async Task FailedOrNoOpMutations_WriteNoAuditEvent()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var before = await AuditCountAsync();

        await _admin.PostAsJsonAsync("/api/v1/plans", new { name = "" });
        await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "m", baseUrl = "http://10.0.0.1" });
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/resume", new { }, HttpStatusCode.OK);
        await _admin.PatchAsync($"/api/v1/tenants/{tenantId}", new { });

        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task TenantAudit_FiltersByActionAndTime()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var start = app.Time.GetUtcNow();
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "one" });
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var middle = app.Time.GetUtcNow();
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "two" });

        var keys = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantId}/audit?action=api_key.created");
        Assert.Equal(2, keys["items"]!.AsArray().Count);

        var early = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantId}/audit?from={Uri.EscapeDataString(start.AddSeconds(1).ToString("O"))}&to={Uri.EscapeDataString(middle.ToString("O"))}");
        var only = early["items"]!.AsArray().Single()!;
        Assert.Contains("'one'", (string)only["summary"]!);

        var everything = await _admin.GetJsonAsync($"/api/v1/audit?tenantId={tenantId}&action=api_key.");
        Assert.Equal(2, (int)everything["totalCount"]!);
    }

    [Fact]
    public async Task Audit_BadFilters_Return400()
    {
        var bad = await _admin.GetAsync("/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z&page=0");
        var problem = await bad.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("to"));
        Assert.NotEmpty(problem.Errors("page"));

        await (await _admin.GetAsync("/api/v1/audit?from=yesterday")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync($"/api/v1/tenants/{Guid.NewGuid()}/audit")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
