using System.Net;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Metering;

/// <summary>Monthly quotas from the plan, enforced by the node from the consumption the control plane pushes.</summary>
[Collection(NodeCollection.Name)]
public sealed class QuotaTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("quota");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static object Limits(long requests, string enforcement) => new
    {
        requestsPerSecondPerKey = 1000, burstPerKey = 1000, requestsPerSecondPerTenant = 1000, burstPerTenant = 1000,
        monthlyRequestQuota = requests, quotaEnforcement = enforcement,
    };

    [Fact]
    public async Task HardRequestQuota_RefusesPastTheQuotaWith429AndNoRetry_AndTheStatusShowsIt()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, Limits(5, "hard"));
        var client = cluster.Client(0, tenant.Key);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 9; i++)
        {
            var response = await client.GetAsync(tenant.Path("/models"));
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(5, _upstream.Requests.Count(r => r.PathAndQuery == "/v1/models"));
        Assert.Equal("false", refused!.Headers.GetValues("x-should-retry").Single());
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("urn:igw:problem:quota-exceeded", (string)problem["type"]!);
        Assert.Contains("monthly request quota", (string)problem["detail"]!);

        // After ingestion and a push, the control plane shows the same and the node keeps refusing.
        JsonNode quota = null!;
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            quota = JsonNode.Parse(await cluster.Admin().GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/quota"))!;
            return (long)quota["requests"]!["consumed"]! == 5;
        }, "the quota status to show 5 requests");
        Assert.Equal((5L, 0L, true, "hard"), ((long)quota["requests"]!["limit"]!, (long)quota["requests"]!["remaining"]!, (bool)quota["requests"]!["exceeded"]!, (string)quota["enforcement"]!));
        Assert.Null(quota["inputTokens"]!["limit"]);
        await WaitForQuotaEventAsync(tenant);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync(tenant.Path("/models"))).StatusCode);
    }

    [Fact]
    public async Task SoftRequestQuota_ServesPastTheQuotaAndRecordsAQuotaEvent()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, Limits(2, "soft"));
        var client = cluster.Client(0, tenant.Key);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(tenant.Path("/models"))).StatusCode);
        }

        var summary = await WaitForQuotaEventAsync(tenant);
        Assert.Contains("soft quota", summary);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(tenant.Path("/models"))).StatusCode);
    }

    [Fact]
    public async Task PlanWithAnUnknownEnforcement_Is400AndChangesNothing()
    {
        var response = await cluster.Admin().PostAsync("/api/v1/plans", new StringContent(
            """{"name":"bad-enforcement","limits":{"monthlyRequestQuota":5,"quotaEnforcement":"medium"}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().Plans.AnyAsync(p => p.Name == "bad-enforcement"));
    }

    private async Task<string> WaitForQuotaEventAsync(TenantSetup tenant)
    {
        string summary = string.Empty;
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var events = JsonNode.Parse(await cluster.Admin().GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/audit?action=quota.exceeded"))!;
            var items = (events["items"] ?? events) as JsonArray;
            summary = items is { Count: > 0 } ? (string)items[0]!["summary"]! : string.Empty;
            return summary.Length > 0;
        }, "a quota event in the tenant's audit log");
        return summary;
    }
}
