using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Distribution;

/// <summary>Snapshots as nodes receive, validate, report and store them.</summary>
public sealed class SnapshotTests(GatewayCluster cluster) : IClassFixture<GatewayCluster>, IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("snapshots");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private async Task ExecuteSqlAsync(string sql)
    {
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().Database.ExecuteSqlRawAsync(sql);
    }

    [Fact]
    public async Task FleetView_ShowsEveryNodeWithItsRevisionAndNoLag()
    {
        await cluster.CreateTenantAsync(_upstream);
        var revision = await cluster.CurrentRevisionAsync();

        JsonObject fleet = null!;
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            fleet = (await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/nodes"))!;
            return cluster.Nodes.All(n => fleet["nodes"]!.AsArray().Any(x =>
                (string)x!["nodeId"]! == n.NodeId && (long)x["appliedRevision"]! == revision && (string?)x["contentHash"] == (string?)fleet["currentContentHash"]));
        }, "heartbeats with the current revision and content");

        Assert.Equal(revision, (long)fleet["currentRevision"]!);
        foreach (var node in cluster.Nodes)
        {
            var entry = fleet["nodes"]!.AsArray().Single(x => (string)x!["nodeId"]! == node.NodeId)!;
            Assert.Equal("in-sync", (string)entry["state"]!);
            Assert.Equal(0, (long)entry["lag"]!);
            Assert.Equal((string)fleet["epoch"]!, (string)entry["epoch"]!);
            Assert.False(string.IsNullOrEmpty((string)entry["version"]!));
            Assert.Null(entry["lastApplyError"]);
        }
    }

    [Fact]
    public async Task SnapshotTheNodeCannotAccept_IsRejected_OldRevisionKeepsServing_AndTheFleetViewShowsTheError()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var served = GatewayCluster.ConfigOf(cluster.Node(0)).Revision;

        // A value the admin API would refuse, written behind its back: the control plane compiles it, the nodes must
        // refuse it. The next change's delta applies, the content then differs from the compiled snapshot (drift), the
        // nodes pull that snapshot by themselves, and refuse it.
        await ExecuteSqlAsync($"UPDATE \"ModelEndpoints\" SET \"TimeoutSeconds\" = 99999 WHERE \"TenantId\" = '{tenant.TenantId}'");
        await cluster.Admin().PatchAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}", new { displayName = "touch" });
        var bad = await cluster.CurrentRevisionAsync();

        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(cluster.Nodes.All(n => GatewayCluster.ConfigOf(n).LastApplyError?.Contains($"revision {bad}") == true)), "both nodes to reject the revision");
        foreach (var node in cluster.Nodes)
        {
            Assert.True(GatewayCluster.ConfigOf(node).Revision is var r && (r == served || r == bad));
            Assert.Equal(HttpStatusCode.OK, (await cluster.Client(node.Index, tenant.Key).GetAsync(tenant.Path("/models"))).StatusCode);
        }

        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var fleet = (await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/nodes"))!;
            return cluster.Nodes.All(n => fleet["nodes"]!.AsArray().Any(x =>
                (string)x!["nodeId"]! == n.NodeId && (string?)x["lastApplyError"] is { } e && e.Contains("timeout") && (string)x["state"]! is "behind" or "drift"));
        }, "the fleet view to show the rejection");

        // Fixing the data makes the next revision apply everywhere.
        await ExecuteSqlAsync($"UPDATE \"ModelEndpoints\" SET \"TimeoutSeconds\" = 30 WHERE \"TenantId\" = '{tenant.TenantId}'");
        await cluster.Admin().PatchAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}", new { displayName = "fixed" });
        await cluster.SyncAsync();
    }

    [Fact]
    public async Task EndpointThatCannotBeServed_IsLeftOut_TheRestKeepsFlowing_AndOperatorsSeeWhy()
    {
        var broken = await cluster.CreateTenantAsync(_upstream);
        var healthy = await cluster.CreateTenantAsync(_upstream);

        // Written behind the API's back (as a narrowed allow-list or lost keys would make it): the route cannot be served.
        await ExecuteSqlAsync($"UPDATE \"ModelEndpoints\" SET \"BaseUrl\" = 'ftp://files.example.com' WHERE \"TenantId\" = '{broken.TenantId}'");
        await cluster.Admin().PatchAsJsonAsync($"/api/v1/tenants/{broken.TenantId}", new { displayName = "broken" });
        await cluster.SyncAsync();

        var status = (await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/config"))!;
        Assert.Equal(await cluster.CurrentRevisionAsync(), (long)status["servedRevision"]!);
        Assert.Contains(status["problems"]!.AsArray(), p => ((string)p!).Contains("left out") && ((string)p!).Contains("base URL"));
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await cluster.Client(node.Index, broken.Key).GetAsync(broken.Path("/models"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await cluster.Client(node.Index, healthy.Key).GetAsync(healthy.Path("/models"))).StatusCode);
        }

        // A revocation still reaches every node while the broken endpoint is left out.
        await cluster.Admin().PostAsJsonAsync($"/api/v1/tenants/{healthy.TenantId}/api-keys/{healthy.KeyId}/revoke", new { });
        await cluster.SyncAsync();
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Client(node.Index, healthy.Key).GetAsync(healthy.Path("/models"))).StatusCode);
        }

        await ExecuteSqlAsync($"UPDATE \"ModelEndpoints\" SET \"BaseUrl\" = '{_upstream.BaseAddress.ToString().TrimEnd('/')}/v1' WHERE \"TenantId\" = '{broken.TenantId}'");
        await cluster.Admin().PatchAsJsonAsync($"/api/v1/tenants/{broken.TenantId}", new { displayName = "repaired" });
        await cluster.SyncAsync();
        Assert.Equal(HttpStatusCode.OK, (await cluster.Client(0, broken.Key).GetAsync(broken.Path("/models"))).StatusCode);
        Assert.Empty((await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/config"))!["problems"]!.AsArray());
    }

    [Fact]
    public async Task DiskSnapshot_IsUnreadableWithoutTheNodeKey()
    {
        var credential = $"disk-canary-{Guid.NewGuid():N}";
        var tenant = await cluster.CreateTenantAsync(_upstream, credential: new { headerName = "X-Upstream-Key", value = credential });
        var node = cluster.Node(0);
        var file = node.Services.GetRequiredService<LastKnownGoodStore>().FilePath;
        var revision = GatewayCluster.ConfigOf(node).Revision;
        await GatewayCluster.WaitUntilAsync(
            () => Task.FromResult(File.Exists(file) && TryDecrypt(File.ReadAllBytes(file), cluster.SnapshotKey)?.Revision == revision),
            "the node to store its snapshot");

        var bytes = await File.ReadAllBytesAsync(file);
        var text = Encoding.Latin1.GetString(bytes);
        var snapshot = GatewayCluster.ConfigOf(node).Current!.ToSnapshot();
        var keyHash = snapshot.Keys.First(k => k.KeyId == Guid.Parse(tenant.KeyId)).Hash;
        foreach (var secret in new[] { credential, keyHash, keyHash.ToUpperInvariant(), _upstream.BaseAddress.Host + ":" + _upstream.Port, tenant.Slug, "X-Upstream-Key" })
        {
            Assert.DoesNotContain(secret, text);
        }

        Assert.Null(TryDecrypt(bytes, RandomNumberGenerator.GetBytes(32)));
        var decrypted = TryDecrypt(bytes, cluster.SnapshotKey)!;
        Assert.Contains(decrypted.Routes, r => r.UpstreamHeaderValue == credential);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    private static Contracts.Snapshots.ConfigSnapshot? TryDecrypt(byte[] bytes, byte[] key)
    {
        try
        {
            return LastKnownGoodStore.Decrypt(bytes, key);
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidDataException)
        {
            return null;
        }
    }
}
