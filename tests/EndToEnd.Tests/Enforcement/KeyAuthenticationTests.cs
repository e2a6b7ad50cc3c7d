using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.Security.Keys;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

[Collection(NodeCollection.Name)]
public sealed partial class KeyAuthenticationTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("keys");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ValidKey_InEitherHeader_ReachesTheTenantsEndpoint()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);

        var bearer = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);
        var apiKey = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), null, $"X-API-Key: {tenant.Key}");

        Assert.Equal(200, bearer.Status);
        Assert.Equal(200, apiKey.Status);
        Assert.Contains("\"upstream\":\"keys\"", bearer.Body);
        Assert.Equal(2, _upstream.Requests.Count(r => r.PathAndQuery == "/v1/models"));
    }

    [Fact]
    public async Task RotatedKey_BothSecretsWorkDuringTheGrace_ThenTheNodeRefusesTheOldOneOnItsOwn()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var rotated = await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/api-keys/{tenant.KeyId}/rotate", new { gracePeriodSeconds = 3 });
        await cluster.SyncAsync();
        var revision = GatewayCluster.ConfigOf(cluster.Node(0)).Revision;
        var newKey = (string)rotated["key"]!;

        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key)).Status);
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), newKey)).Status);

        // No new revision is needed: the node ends the grace itself.
        await GatewayCluster.WaitUntilAsync(
            async () => (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key)).Status == 401, "the grace to end", 15_000);
        Assert.Equal(revision, GatewayCluster.ConfigOf(cluster.Node(0)).Revision);
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), newKey)).Status);
    }

    [Fact]
    public async Task UsedKey_GetsItsLastUsedTimeFromTheNodesHeartbeats_AnUnusedKeyDoesNot()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var unused = await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "unused" });
        var before = DateTimeOffset.UtcNow;

        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key)).Status);

        System.Text.Json.Nodes.JsonObject? key = null;
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            key = await cluster.Admin().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/tenants/{tenant.TenantId}/api-keys/{tenant.KeyId}");
            return key!["lastUsedAt"] is not null;
        }, "the key's last-used time");
        var lastUsed = DateTimeOffset.Parse((string)key!["lastUsedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(lastUsed, before.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2));
        var other = await cluster.Admin().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/tenants/{tenant.TenantId}/api-keys/{(string)unused["apiKey"]!["id"]!}");
        Assert.Null(other!["lastUsedAt"]);
    }

    [Fact]
    public async Task EveryAuthenticationFailure_GetsTheSame401_ByteForByte()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var other = await cluster.CreateTenantAsync(_upstream);
        var admin = cluster.Admin();
        var revoked = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "revoked" });
        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/api-keys/{(string)revoked["apiKey"]!["id"]!}/revoke", new { });
        var expiring = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "expiring", expiresAt = DateTimeOffset.UtcNow.AddSeconds(2) });
        await cluster.SyncAsync();
        var expiringKey = (string)expiring["key"]!;
        await GatewayCluster.WaitUntilAsync(
            async () => (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), expiringKey)).Status == 401, "the key to expire", 10_000);
        var unknown = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var badChecksum = tenant.Key[..^1] + (tenant.Key[^1] == 'a' ? 'b' : 'a');
        var before = _upstream.Requests.Count;

        var failures = new Dictionary<string, string[]>
        {
            ["missing"] = [],
            ["empty bearer"] = ["Authorization: Bearer "],
            ["basic scheme"] = [$"Authorization: Basic {Convert.ToBase64String("user:pass"u8)}"],
            ["not our format"] = ["Authorization: Bearer sk-proj-abcdef"],
            ["bad checksum"] = [$"Authorization: Bearer {badChecksum}"],
            ["unknown key"] = [$"Authorization: Bearer {unknown}"],
            ["unknown in x-api-key"] = [$"X-API-Key: {unknown}"],
            ["revoked"] = [$"Authorization: Bearer {(string)revoked["key"]!}"],
            ["expired"] = [$"Authorization: Bearer {expiringKey}"],
            ["another tenant's key"] = [$"Authorization: Bearer {other.Key}"],
            ["two authorization headers"] = [$"Authorization: Bearer {tenant.Key}", $"Authorization: Bearer {tenant.Key}"],
        };

        RawResponse? reference = null;
        foreach (var (name, headers) in failures)
        {
            var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), null, headers);
            Assert.True(response.Status == 401, $"{name}: {response.Status} {response.Body}");
            reference ??= response;
            Assert.Equal(Normalize(reference.Body), Normalize(response.Body));
            Assert.Equal(Shape(reference), Shape(response));
        }

        Assert.Equal(before, _upstream.Requests.Count);
        Assert.Equal("application/problem+json", reference!.Header("Content-Type"));
        Assert.Equal("Bearer realm=\"igw\"", reference.Header("WWW-Authenticate"));
        Assert.Matches("\"requestId\":\"[0-9a-f]{24}\"", reference.Body);
    }

    [Fact]
    public async Task UnknownTenantOrModel_WithoutAValidKey_IsThe401_NotA404()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);

        var noSuchTenant = await RawHttp.GetAsync(cluster.NodeAddress(0), "/t/no-such-tenant/chat/models", tenant.Key);
        var noSuchModel = await RawHttp.GetAsync(cluster.NodeAddress(0), $"/t/{tenant.Slug}/no-such-model/models", null);
        var withKey = await RawHttp.GetAsync(cluster.NodeAddress(0), $"/t/{tenant.Slug}/no-such-model/models", tenant.Key);

        Assert.Equal(401, noSuchTenant.Status);
        Assert.Equal(401, noSuchModel.Status);
        Assert.Equal(404, withKey.Status);
    }

    [Theory]
    [InlineData("?api_key={KEY}")]
    [InlineData("?key={KEY}")]
    [InlineData("?foo=1&token={KEY}")]
    public async Task KeyInTheQueryString_IsRefusedWith400AndNeverForwarded(string query)
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models") + query.Replace("{KEY}", tenant.Key), tenant.Key);

        Assert.Equal(400, response.Status);
        Assert.Contains("query string", response.Body);
        Assert.DoesNotContain(_upstream.Requests, r => r.Everything.Contains(tenant.Key));
    }

    [Fact]
    public async Task SuspendedTenant_DisallowedModel_AndDisabledEndpoint_AreRefusedAfterTheChangeArrives()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var admin = cluster.Admin();
        var limited = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "embed only", allowedModels = new[] { "embed" } });
        await cluster.SyncAsync();

        var notAllowed = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), (string)limited["key"]!);
        Assert.Equal(403, notAllowed.Status);

        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/suspend", new { reason = "test" });
        await cluster.SyncAsync();
        var suspended = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);
        Assert.Equal(403, suspended.Status);
        Assert.Contains("suspended", suspended.Body);

        await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/resume", new { });
        var endpoints = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/tenants/{tenant.TenantId}/endpoints");
        var endpointId = (string)endpoints!["items"]![0]!["id"]!;
        await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/endpoints/{endpointId}", new { enabled = false });
        await cluster.SyncAsync();
        var disabled = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);
        Assert.Equal(404, disabled.Status);
    }

    private static string Normalize(string body) => RequestIdRegex().Replace(body, "\"requestId\":\"-\"");

    private static string Shape(RawResponse response) => string.Join("\n",
        response.Headers.Where(h => h.Name is not ("Date" or "X-Request-Id")).Select(h => $"{h.Name}: {h.Value}").Order(StringComparer.Ordinal));

    [GeneratedRegex("\"requestId\":\"[0-9a-f]+\"")]
    private static partial Regex RequestIdRegex();
}
