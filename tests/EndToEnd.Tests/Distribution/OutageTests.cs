using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Distribution;

/// <summary>Nodes keep serving through a control-plane and broker outage, restart from disk, and catch up afterwards.</summary>
public sealed class OutageTests(GatewayCluster cluster) : IClassFixture<GatewayCluster>, IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("outage");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private async Task<HttpStatusCode> CallAsync(int node, TenantSetup tenant, string? key = null) =>
        (await cluster.Client(node, key ?? tenant.Key).GetAsync(tenant.Path("/models"))).StatusCode;

    /// <summary>
    /// Waits for <c>/readyz</c> to answer 200 on <paramref name="node"/>. The host reports started once Kestrel listens,
    /// but a refused connection is retried here rather than failing the test at once; if the node never becomes ready,
    /// the failure carries what it logged at Information and above, so a node that stopped says why.
    /// </summary>
    private static async Task WaitUntilReadyAsync(DataPlaneHost node)
    {
        using var client = node.CreateClient();
        try
        {
            await GatewayCluster.WaitUntilAsync(async () =>
            {
                try
                {
                    return (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the restarted node to answer /readyz with 200");
        }
        catch (TimeoutException ex)
        {
            var logged = node.Logs.Lines.Where(l => !l.StartsWith("Trace", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal));
            throw new TimeoutException($"{ex.Message}; the node logged:\n{string.Join('\n', logged)}", ex);
        }
    }

    [Fact]
    public async Task NodesSurviveAnOutage_RestartFromDisk_AndCatchUpWithoutAManualStep()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var doomed = await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "revoked during the outage" });
        var doomedKey = (string)doomed["key"]!;
        await cluster.SyncAsync();
        var file = Path.Combine(cluster.Node(0).StateDirectory, "snapshot.bin");
        var revision = GatewayCluster.ConfigOf(cluster.Node(0)).Revision;
        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(File.Exists(file)), "the disk snapshot");
        await Task.Delay(300); // the store writes the newest state shortly after each apply

        // Broker and control plane down: both nodes keep serving every route they have.
        cluster.Rabbit.Stop();
        await cluster.StopControlPlaneAsync();
        foreach (var node in new[] { 0, 1 })
        {
            Assert.Equal(HttpStatusCode.OK, await CallAsync(node, tenant));
            Assert.Equal(HttpStatusCode.OK, await CallAsync(node, tenant, doomedKey));
        }

        // A node restarted during the outage starts from its encrypted disk snapshot and serves.
        await cluster.StopNodeAsync(0);
        var restarted = cluster.StartNode(0);
        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(GatewayCluster.ConfigOf(restarted).Revision == revision), "the restarted node to load its disk snapshot");
        await WaitUntilReadyAsync(restarted);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(0, tenant));

        // The control plane returns while the broker is still down: admin calls work at once (the outbox keeps the message).
        cluster.StartControlPlane();
        var revoke = await cluster.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/api-keys/{(string)doomed["apiKey"]!["id"]!}/revoke", new { });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var newEndpoint = await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/endpoints", new
        {
            model = "added-during-outage",
            baseUrl = $"{_upstream.BaseAddress.ToString().TrimEnd('/')}/v2",
        });
        Assert.NotNull(newEndpoint["id"]);

        // The broker returns: the change reaches both nodes with no manual step.
        cluster.Rabbit.Start();
        await cluster.SyncAsync();
        foreach (var node in new[] { 0, 1 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(node, tenant, doomedKey));
            var added = await cluster.Client(node, tenant.Key).GetAsync($"/t/{tenant.Slug}/added-during-outage/models");
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        // And the outbox delivered what it held.
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
            return !await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().OutboxMessages.AnyAsync(m => m.SentAt == null);
        }, "the outbox to drain");
    }

    [Fact]
    public async Task AdminCall_WhileTheBrokerIsDown_CommitsAtOnceAndIsPublishedWhenItReturns()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        cluster.Rabbit.Stop();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var created = await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "while down" });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the admin call waited for the broker");

            await using (var scope = cluster.ControlPlane!.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
                await GatewayCluster.WaitUntilAsync(() => db.OutboxMessages.AnyAsync(m => m.SentAt == null && m.Attempts > 0), "a failed publish attempt");
            }

            cluster.Rabbit.Start();
            await cluster.SyncAsync();
            Assert.Equal(HttpStatusCode.OK, await CallAsync(1, tenant, (string)created["key"]!));
            await GatewayCluster.WaitUntilAsync(async () =>
            {
                await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
                return !await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().OutboxMessages.AnyAsync(m => m.SentAt == null);
            }, "the held message to be published");
        }
        finally
        {
            cluster.Rabbit.Start();
        }
    }
}
