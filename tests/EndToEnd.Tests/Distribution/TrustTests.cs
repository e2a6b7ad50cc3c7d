using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Distribution;

/// <summary>
/// A broker account is not enough to change what nodes serve, and one node id is one process: forged deltas on the
/// real bus are refused by every node and reported in the fleet view; a second process with a taken node id is refused.
/// </summary>
public sealed class TrustTests(GatewayCluster cluster) : IClassFixture<GatewayCluster>, IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("trust");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ForgedDeltaOnTheBus_IsRefusedByEveryNode_Reported_AndTheRealRevisionStillApplies()
    {
        var victim = await cluster.CreateTenantAsync(_upstream);
        var (epoch, revision, _) = await cluster.CompiledAsync();

        // Whoever holds broker credentials publishes "a key for that tenant" as the next revision, signed with a key of their own.
        var forgedKey = $"igw_{Guid.NewGuid():N}";
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = JsonSerializer.Serialize(new ConfigDelta
        {
            Epoch = epoch,
            Revision = revision + 1,
            FromRevision = revision,
            Changes = [new ApiKeyChanged { Key = new ApiKeySnapshot { KeyId = Guid.NewGuid(), PublicId = "forged", TenantId = Guid.Parse(victim.TenantId), Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(forgedKey))) } }],
        }, ContractJson.Options);
        var snapshotKeyId = GatewayCluster.ConfigOf(cluster.Node(0)).Current!.Source.SigningKeys[0].KeyId;
        await cluster.ControlPlane!.Services.GetRequiredService<IBus>().Publish(new ConfigRevisionPublished
        {
            MessageId = Guid.NewGuid(),
            Revision = revision + 1,
            Epoch = epoch,
            ChangedAt = DateTimeOffset.UtcNow,
            Kind = ConfigChangeKind.Delta,
            Payload = payload,
            Signature = Convert.ToBase64String(attacker.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            SigningKeyId = snapshotKeyId,
        });

        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var fleet = (await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/nodes"))!;
            return cluster.Nodes.All(n => fleet["nodes"]!.AsArray().Any(x =>
                (string)x!["nodeId"]! == n.NodeId && (long)x["rejectedMessages"]! >= 1 && ((string?)x["lastRejection"] ?? string.Empty).Contains("bad signature")));
        }, "every node to report the forged message");
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(revision, GatewayCluster.ConfigOf(node).Revision);
            Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Client(node.Index, forgedKey).GetAsync(victim.Path("/models"))).StatusCode);
        }

        // The real revision with that number still applies everywhere.
        await cluster.Admin().PostAsJsonAsync($"/api/v1/tenants/{victim.TenantId}/api-keys/{victim.KeyId}/revoke", new { });
        await cluster.SyncAsync();
        Assert.Equal(revision + 1, await cluster.CurrentRevisionAsync());
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Client(node.Index, victim.Key).GetAsync(victim.Path("/models"))).StatusCode);
        }
    }

    [Fact]
    public async Task SecondProcessWithATakenNodeId_IsRefused_AndSaysSo_WhileTheFirstKeepsItsIdentity()
    {
        await cluster.SyncAsync();
        var first = cluster.Node(0);
        await using var second = new DataPlaneHost(cluster, 0);
        second.StartServer();

        await GatewayCluster.WaitUntilAsync(
            () => Task.FromResult(GatewayCluster.ConfigOf(second).LastApplyError?.Contains("in use by another live node process") == true),
            "the second process to be refused");

        Assert.Contains(second.Logs.Lines, l => l.Contains($"another live node process uses the node id {first.NodeId}", StringComparison.Ordinal));
        // The first process keeps the node's row: its heartbeats, not the second's, describe the node.
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var fleet = (await cluster.Admin().GetFromJsonAsync<JsonObject>("/api/v1/dataplane/nodes"))!;
            var entry = fleet["nodes"]!.AsArray().Single(n => (string)n!["nodeId"]! == first.NodeId)!;
            return (string)entry["state"]! == "in-sync" && entry["lastApplyError"] is null;
        }, "the first process to show in-sync");
        Assert.Null(GatewayCluster.ConfigOf(first).LastApplyError);
    }
}
