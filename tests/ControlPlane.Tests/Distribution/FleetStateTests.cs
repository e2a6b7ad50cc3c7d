using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Distribution;

/// <summary>What operators see per node, what the relay does with rows it cannot read, and what goes on the bus.</summary>
public sealed class FleetStateTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    private Task AddNodeAsync(string nodeId, Guid epoch, long revision, string? hash, TimeSpan age) => app.WithDbAsync(async db =>
    {
        var seen = app.Time.GetUtcNow() - age;
        db.DataPlaneNodes.Add(new DataPlaneNode
        {
            NodeId = nodeId, Version = "1.0.0", AppliedRevision = revision, Epoch = epoch, ContentHash = hash, LastAppliedAt = seen,
            FirstSeenAt = seen, LastSeenAt = seen, InstanceId = Guid.NewGuid(), InstanceSeenAt = seen,
        });
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task FleetView_ShowsInSyncBehindDriftDivergedAndStale()
    {
        await _admin.CreateTenantAsync();
        var fleet = await _admin.GetJsonAsync("/api/v1/dataplane/nodes");
        var epoch = Guid.Parse((string)fleet["epoch"]!);
        var current = (long)fleet["currentRevision"]!;
        var hash = (string)fleet["currentContentHash"]!;
        var prefix = $"f{Guid.NewGuid():N}"[..8];
        await AddNodeAsync($"{prefix}-in-sync", epoch, current, hash, TimeSpan.FromSeconds(2));
        await AddNodeAsync($"{prefix}-behind", epoch, current - 1, "older", TimeSpan.FromSeconds(2));
        await AddNodeAsync($"{prefix}-drift", epoch, current, new string('0', 64), TimeSpan.FromSeconds(2));
        await AddNodeAsync($"{prefix}-ahead", epoch, current + 5, hash, TimeSpan.FromSeconds(2));
        await AddNodeAsync($"{prefix}-other-epoch", Guid.NewGuid(), current, hash, TimeSpan.FromSeconds(2));
        await AddNodeAsync($"{prefix}-stale", epoch, current, hash, TimeSpan.FromMinutes(5));

        var nodes = (await _admin.GetJsonAsync("/api/v1/dataplane/nodes"))["nodes"]!.AsArray()
            .Where(n => ((string)n!["nodeId"]!).StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => ((string)n!["nodeId"]!)[(prefix.Length + 1)..], n => (string)n!["state"]!);

        Assert.Equal("in-sync", nodes["in-sync"]);
        Assert.Equal("behind", nodes["behind"]);
        Assert.Equal("drift", nodes["drift"]);
        Assert.Equal("diverged", nodes["ahead"]);
        Assert.Equal("diverged", nodes["other-epoch"]);
        Assert.Equal("stale", nodes["stale"]);
    }

    [Fact]
    public async Task ReadyzOfTheControlPlane_DoesNotRevealTheRevision()
    {
        var body = await app.CreateClient().GetStringAsync("/readyz");

        Assert.DoesNotContain("revision", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OutboxRelay_SkipsRowsItCannotRead_ReportsThem_AndKeepsPublishing()
    {
        var ids = await app.WithDbAsync(async db =>
        {
            var unknown = new OutboxMessage { MessageId = Guid.NewGuid(), MessageType = "SomethingFromTheFuture", Payload = "{}", CreatedAt = app.Time.GetUtcNow() };
            var damaged = new OutboxMessage { MessageId = Guid.NewGuid(), MessageType = nameof(ConfigRevisionPublished), Payload = "{not json", CreatedAt = app.Time.GetUtcNow() };
            db.OutboxMessages.AddRange(unknown, damaged);
            await db.SaveChangesAsync();
            return (unknown.Id, damaged.Id);
        });

        await _admin.CreatePlanAsync();
        var after = await app.WithDbAsync(db => db.OutboxMessages.MaxAsync(m => m.Id));
        var published = false;
        for (var i = 0; i < 200 && !published; i++)
        {
            await Task.Delay(50);
            published = await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.Id == after && m.SentAt != null));
        }

        Assert.True(published, "the row after the unreadable ones was not published");
        var skipped = (await _admin.GetJsonAsync("/api/v1/dataplane/config"))["skippedOutboxRows"]!.AsArray();
        Assert.Contains(skipped, r => (long)r!["id"]! == ids.Item1 && ((string)r["reason"]!).Contains("unknown message type"));
        Assert.Contains(skipped, r => (long)r!["id"]! == ids.Item2 && ((string)r["reason"]!).Contains("not valid JSON"));
        Assert.Contains(app.Logs.Lines, l => l.Contains($"Outbox row {ids.Item1}", StringComparison.Ordinal) && l.Contains("skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BusMessages_AreSignedDeltas_AndNeverCarryUpstreamCredentials()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var secret = $"upstream-canary-{Guid.NewGuid():N}";
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "m", baseUrl = "https://api.example.com", upstreamCredential = new { headerName = "X-Key", value = secret } });
        await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "k" });

        var rows = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.Id).Take(2).ToListAsync());
        var revisions = await app.WithDbAsync(db => db.ConfigRevisions.AsNoTracking().OrderByDescending(r => r.Revision).Take(2).ToListAsync());
        var keyMessage = JsonSerializer.Deserialize<ConfigRevisionPublished>(rows[0].Payload, ContractJson.Options)!;
        var endpointMessage = JsonSerializer.Deserialize<ConfigRevisionPublished>(rows[1].Payload, ContractJson.Options)!;

        // The endpoint's change holds a credential: on the bus only "revision N exists"; its revision row encrypted.
        Assert.Equal(ConfigChangeKind.Full, endpointMessage.Kind);
        Assert.Null(endpointMessage.Payload);
        Assert.DoesNotContain(secret, rows[1].Payload, StringComparison.Ordinal);
        Assert.True(revisions[1].ChangesProtected);
        Assert.DoesNotContain(secret, revisions[1].ChangesJson, StringComparison.Ordinal);

        // The key's change is a delta signed with the key the snapshot (over the authenticated API) publishes.
        Assert.Equal(ConfigChangeKind.Delta, keyMessage.Kind);
        var snapshot = JsonNode.Parse(await NodeClient().GetStringAsync("/api/v1/dataplane/snapshot"))!;
        var publicKey = snapshot["signingKeys"]!.AsArray().Single(k => (string)k!["keyId"]! == keyMessage.SigningKeyId)!;
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String((string)publicKey["publicKey"]!), out _);
        Assert.True(ecdsa.VerifyData(Encoding.UTF8.GetBytes(keyMessage.Payload!), Convert.FromBase64String(keyMessage.Signature!), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var delta = JsonSerializer.Deserialize<ConfigDelta>(keyMessage.Payload!, ContractJson.Options)!;
        Assert.Equal(keyMessage.Revision, delta.Revision);
        Assert.Equal(keyMessage.Revision - 1, delta.FromRevision);
        Assert.IsType<ApiKeyChanged>(Assert.Single(delta.Changes));

        // Over the authenticated API the same revision comes as a delta with the credential.
        var update = JsonNode.Parse(await NodeClient().GetStringAsync($"/api/v1/dataplane/snapshot?since={endpointMessage.Revision - 1}"))!;
        Assert.Equal("delta", ((string)update["kind"]!).ToLowerInvariant());
        Assert.Contains(secret, update.ToJsonString(), StringComparison.Ordinal);
    }

    private static readonly Guid Instance = Guid.NewGuid();

    private HttpClient NodeClient()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ControlPlaneApp.NodeToken);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Id", ControlPlaneApp.NodeId);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Instance", Instance.ToString());
        return client;
    }
}
