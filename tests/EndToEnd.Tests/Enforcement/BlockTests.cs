using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>Temporary blocks issued in the control plane, applied by nodes as deltas, lifted again.</summary>
[Collection(NodeCollection.Name)]
public sealed class BlockTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("blocks");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private async Task<int> CallAsync(TenantSetup tenant, string? key = null) =>
        (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), key ?? tenant.Key)).Status;

    private async Task<string> BlockAsync(string target, string value)
    {
        var block = await GatewayCluster.PostAsync(cluster.Admin(), "/api/v1/blocks", new { target, value, durationSeconds = 600, reason = "test" });
        await cluster.SyncAsync();
        return (string)block["id"]!;
    }

    private async Task LiftAsync(string blockId)
    {
        Assert.Equal(HttpStatusCode.OK, (await cluster.Admin().DeleteAsync($"/api/v1/blocks/{blockId}")).StatusCode);
        await cluster.SyncAsync();
    }

    [Fact]
    public async Task KeyBlock_StopsThatKeyOnly_UntilLifted()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var other = (string)(await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "other" }))["key"]!;
        await cluster.SyncAsync();

        var block = await BlockAsync("key", tenant.KeyId);
        Assert.Equal(403, await CallAsync(tenant));
        Assert.Equal(200, await CallAsync(tenant, other));

        await LiftAsync(block);
        Assert.Equal(200, await CallAsync(tenant));
    }

    [Fact]
    public async Task TenantBlock_StopsEveryKeyOfTheTenant_AndNetworkBlock_StopsTheClient()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var bystander = await cluster.CreateTenantAsync(_upstream);

        var tenantBlock = await BlockAsync("tenant", tenant.TenantId);
        var refused = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);
        Assert.Equal(403, refused.Status);
        Assert.Contains("temporarily blocked", refused.Body);
        Assert.Equal(200, await CallAsync(bystander));

        // Without a valid key of the tenant, a blocked tenant looks like any other: the uniform 401.
        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), null)).Status);
        Assert.Equal(401, await CallAsync(tenant, bystander.Key));
        await LiftAsync(tenantBlock);

        var networkBlock = await BlockAsync("network", "127.0.0.1");
        try
        {
            Assert.Equal(403, await CallAsync(bystander));
            Assert.Equal(403, await CallAsync(tenant));
        }
        finally
        {
            await LiftAsync(networkBlock);
        }

        Assert.Equal(200, await CallAsync(tenant));
    }

    [Fact]
    public async Task InvalidBlock_Returns400WithEveryError_AndLiftingTwiceIs409()
    {
        var admin = cluster.Admin();
        var bad = await admin.PostAsJsonAsync("/api/v1/blocks", new { target = "planet", value = "x", durationSeconds = 0, reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("target") && errors.ContainsKey("durationSeconds") && errors.ContainsKey("reason"));

        var unknownKey = await admin.PostAsJsonAsync("/api/v1/blocks", new { target = "key", value = Guid.NewGuid(), reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownKey.StatusCode);
        var badNetwork = await admin.PostAsJsonAsync("/api/v1/blocks", new { target = "network", value = "10.0.0.0/99", reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, badNetwork.StatusCode);

        var block = await BlockAsync("network", "203.0.113.0/24");
        var active = await admin.GetFromJsonAsync<JsonObject>("/api/v1/blocks");
        Assert.Contains(active!["items"]!.AsArray(), b => (string)b!["id"]! == block);
        await LiftAsync(block);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/v1/blocks/{block}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/blocks/{Guid.NewGuid()}")).StatusCode);
    }
}
