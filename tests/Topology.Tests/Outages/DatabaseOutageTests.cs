using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Outages;

/// <summary>The control plane's PostgreSQL (a cluster of the test's own) is really stopped while the nodes serve.</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("database-outage");
        _topology = await TopologyFixture.StartAsync("database-outage", dedicatedPostgres: true);
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseStopped_NodesKeepServing_AdminCallsAnswer503WithRetryAfter_AndEverythingRecovers()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.OK, "the key to work on every node");
        var logStart = _topology.ControlPlane!.Stdout().Length;

        await _topology.Postgres!.StopAsync();

        // Requests on existing routes keep succeeding on every node and reach the upstream.
        _upstream.Clear();
        foreach (var node in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, tenant.Path(), tenant.Key));
        }

        Assert.Equal(3, _upstream.Requests.Count);

        // Admin reads and writes fail with a clear 503 that says when to retry and nothing about internals.
        using var admin = _topology.Admin();
        foreach (var call in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => admin.GetAsync("/api/v1/tenants"),
                     () => admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "during the outage" }),
                     () => admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/api-keys/{tenant.KeyId}/revoke", new { }),
                     () => admin.GetAsync("/api/v1/dataplane/nodes"),
                 })
        {
            using var response = await call();
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without Retry-After");
            var problem = JsonNode.Parse(body)!;
            Assert.Equal(503, (int)problem["status"]!);
            Assert.Contains("database", (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
            foreach (var secret in new[] { "Npgsql", "Exception", "127.0.0.1", _topology.Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _topology.Postgres.User })
            {
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync("/readyz")).StatusCode);

        await _topology.Postgres.StartAsync();

        // The control plane recovers by itself; the revoke refused during the outage changed nothing, so the key still works.
        await Wait.UntilAsync(async () => (await admin.GetAsync("/api/v1/tenants")).StatusCode == HttpStatusCode.OK, "admin calls to work again", TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(0, tenant.Path(), tenant.Key));
        var issued = await _topology.CreateKeyAsync(tenant.TenantId, "after the outage");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), issued.Key, HttpStatusCode.OK, "a key issued after the outage to work");
        Assert.Equal(HttpStatusCode.OK, (await _topology.RevokeKeyAsync(tenant.TenantId, tenant.KeyId)).StatusCode);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.Unauthorized, "the key revoked after the outage to be refused");

        // An outage is reported as such, not as unhandled errors with stack traces.
        var log = _topology.ControlPlane!.Stdout()[logStart..];
        Assert.Contains("The database is unreachable", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);

        // Heartbeats that failed to record during the outage did not cost the control plane its bus channel (the
        // role user may declare MassTransit's fault exchanges).
        Assert.DoesNotContain("ACCESS_REFUSED", log, StringComparison.Ordinal);
        var resumedAfter = DateTimeOffset.UtcNow;
        await Wait.UntilAsync(async () => (await _topology.FleetAsync()).Values.All(n => (DateTimeOffset)n["lastSeenAt"]! > resumedAfter),
            "heartbeats from every node after the outage", TimeSpan.FromMinutes(2), _topology.Diagnostics);
    }
}
