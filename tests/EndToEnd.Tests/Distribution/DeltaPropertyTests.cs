using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Distribution;

/// <summary>
/// The property deltas rest on: for random sequences of admin mutations, applying the delta of revision n to the
/// compiler's snapshot n-1 gives a state whose content hash equals the compiler's snapshot n; and a node that
/// followed the whole sequence over the bus serves exactly the compiler's final content.
/// </summary>
public sealed class DeltaPropertyTests(GatewayCluster cluster) : IClassFixture<GatewayCluster>, IAsyncLifetime
{
    private readonly List<string> _plans = [];
    private readonly List<(string Id, bool Suspended)> _tenants = [];
    private readonly List<(string Id, string Tenant)> _endpoints = [];
    private readonly List<(string Id, string Tenant)> _keys = [];
    private readonly List<string> _blocks = [];
    private readonly List<(string Id, string Tenant)> _clients = [];
    private readonly List<(string Id, string Tenant)> _issuers = [];
    private RecordingUpstream _upstream = null!;
    private int _names;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("property");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Theory]
    [InlineData(8)]
    [InlineData(1697)]
    public async Task RandomMutations_DeltaOnPreviousSnapshot_EqualsTheCompiledSnapshot(int seed)
    {
        var random = new Random(seed);
        using var admin = cluster.Admin();
        using var node = cluster.NodeApi();
        var previous = await FullAsync(node);
        var deltas = 0;
        for (var step = 0; step < 60; step++)
        {
            if (!await MutateAsync(admin, random))
            {
                continue;
            }

            var update = (await node.GetFromJsonAsync<ConfigUpdate>($"/api/v1/dataplane/snapshot?since={previous.Revision}&epoch={previous.Epoch}", ContractJson.Options))!;
            var current = await FullAsync(node);
            Assert.Equal(ConfigChangeKind.Delta, update.Kind);
            Assert.Equal(current.Revision, update.Revision);
            Assert.Equal(previous.Revision, update.FromRevision);

            var errors = new List<string>();
            var before = NodeStateBuilder.Build(previous, DateTimeOffset.UtcNow, errors);
            Assert.True(before is not null, string.Join("; ", errors));
            var after = NodeStateBuilder.Apply(before, update.Revision, update.Changes, DateTimeOffset.UtcNow, errors);
            Assert.True(after is not null, $"revision {update.Revision}: {string.Join("; ", errors)}");
            Assert.True(current.ContentHash == after.ContentHash, $"revision {update.Revision} ({string.Join(", ", update.Changes.Select(c => c.GetType().Name))}): the delta on revision {previous.Revision} differs from the compiled snapshot");
            Assert.Equal(current.ContentHash, ConfigContent.Hash(current));
            previous = current;
            deltas++;
        }

        Assert.True(deltas >= 40, $"only {deltas} of 60 steps changed the configuration");

        // The nodes followed the same sequence over the bus (signed deltas, and pulls for changes with credentials).
        await cluster.SyncAsync();
        Assert.All(cluster.Nodes, n => Assert.Equal(previous.ContentHash, GatewayCluster.ConfigOf(n).Current!.ContentHash));
    }

    private static async Task<ConfigSnapshot> FullAsync(HttpClient node) =>
        (await node.GetFromJsonAsync<ConfigSnapshot>("/api/v1/dataplane/snapshot", ContractJson.Options))!;

    private string Name(string prefix) => $"{prefix}{Interlocked.Increment(ref _names)}x{Guid.NewGuid():N}"[..20];

    /// <summary>One random admin mutation; false when none applied (nothing to act on, or a no-op).</summary>
    private async Task<bool> MutateAsync(HttpClient admin, Random random)
    {
        T Pick<T>(List<T> list) => list[random.Next(list.Count)];
        var limits = new { requestsPerSecondPerKey = random.Next(1, 500) + 0.5, burstPerKey = random.Next(1, 100), requestsPerSecondPerTenant = random.Next(1, 900), burstPerTenant = random.Next(1, 200) };
        switch (_plans.Count == 0 ? 0 : _tenants.Count == 0 ? 2 : random.Next(18))
        {
            case 0:
                _plans.Add((string)(await GatewayCluster.PostAsync(admin, "/api/v1/plans", new { name = Name("p"), limits }))["id"]!);
                return true;
            case 1:
                return await OkAsync(admin.PatchAsJsonAsync($"/api/v1/plans/{Pick(_plans)}", new { name = Name("p"), limits }));
            case 2:
                _tenants.Add(((string)(await GatewayCluster.PostAsync(admin, "/api/v1/tenants", new { slug = Name("t"), displayName = "t", planId = Pick(_plans) }))["id"]!, false));
                return true;
            case 3:
                return await OkAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{Pick(_tenants).Id}", new { planId = Pick(_plans) }));
            case 4:
                var index = random.Next(_tenants.Count);
                var (tenantId, suspended) = _tenants[index];
                _tenants[index] = (tenantId, !suspended);
                return await OkAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/{(suspended ? "resume" : "suspend")}", new { }));
            case 5:
                var owner = Pick(_tenants).Id;
                var endpoint = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{owner}/endpoints", new
                {
                    model = Name("m"),
                    baseUrl = $"{_upstream.BaseAddress.ToString().TrimEnd('/')}/v{random.Next(5)}",
                    upstreamCredential = random.Next(2) == 0 ? null : new { headerName = "X-Upstream-Key", value = $"secret-{random.Next()}" },
                    timeoutSeconds = random.Next(1, 600),
                    enabled = random.Next(4) != 0,
                    imageRules = random.Next(3) == 0 ? new { jsonPaths = new[] { "image" } } : null,
                    outputHardening = random.Next(3) == 0 ? new { scoresPath = "scores", topK = random.Next(1, 5), scoreDecimals = random.Next(0, 4) } : null,
                });
                _endpoints.Add(((string)endpoint["id"]!, owner));
                return true;
            case 6 when _endpoints.Count > 0:
                var (endpointId, endpointTenant) = Pick(_endpoints);
                object patch = random.Next(4) switch
                {
                    0 => new { timeoutSeconds = random.Next(1, 600) },
                    1 => new { enabled = random.Next(2) == 0 },
                    2 => new { outputHardening = new { scoresPath = "scores", topK = random.Next(1, 5), scoreDecimals = 2 } },
                    _ => new { upstreamCredential = new { headerName = "Authorization", value = $"Bearer rotated-{random.Next()}" } },
                };
                return await OkAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{endpointTenant}/endpoints/{endpointId}", patch));
            case 7 when _endpoints.Count > 0:
                var removed = Pick(_endpoints);
                _endpoints.Remove(removed);
                return await OkAsync(admin.DeleteAsync($"/api/v1/tenants/{removed.Tenant}/endpoints/{removed.Id}"));
            case 8:
                var keyTenant = Pick(_tenants).Id;
                var key = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{keyTenant}/api-keys", new
                {
                    name = "k",
                    allowedModels = random.Next(2) == 0 ? null : new[] { "chat", "embed" },
                    expiresAt = random.Next(2) == 0 ? (DateTimeOffset?)null : DateTimeOffset.UtcNow.AddDays(30).AddTicks(random.Next(1, 9_999)),
                });
                _keys.Add(((string)key["apiKey"]!["id"]!, keyTenant));
                return true;
            case 9 when _keys.Count > 0:
                var rotated = Pick(_keys);
                return await OkAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{rotated.Tenant}/api-keys/{rotated.Id}/rotate", new { gracePeriodSeconds = random.Next(2) * 3600 }));
            case 10 when _keys.Count > 0:
                var revoked = Pick(_keys);
                _keys.Remove(revoked);
                return await OkAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{revoked.Tenant}/api-keys/{revoked.Id}/revoke", new { }));
            case 11:
                object block = random.Next(3) switch
                {
                    0 when _keys.Count > 0 => new { target = "key", value = Pick(_keys).Id, durationSeconds = 3600, reason = "property" },
                    1 => new { target = "tenant", value = Pick(_tenants).Id, durationSeconds = 3600, reason = "property" },
                    _ => new { target = "network", value = $"198.51.100.{random.Next(256)}", durationSeconds = 3600, reason = "property" },
                };
                _blocks.Add((string)(await GatewayCluster.PostAsync(admin, "/api/v1/blocks", block))["id"]!);
                return true;
            case 12 when _blocks.Count > 0:
                var lifted = Pick(_blocks);
                _blocks.Remove(lifted);
                return await OkAsync(admin.DeleteAsync($"/api/v1/blocks/{lifted}"));
            case 13:
                var clientTenant = Pick(_tenants).Id;
                var client = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{clientTenant}/oauth-clients", new { name = "c", allowedModels = new[] { "embed", "chat" }.Take(random.Next(1, 3)) });
                _clients.Add(((string)client["client"]!["id"]!, clientTenant));
                return true;
            case 14 when _clients.Count > 0:
                var revokedClient = Pick(_clients);
                _clients.Remove(revokedClient);
                return await OkAsync(admin.PostAsJsonAsync($"/api/v1/tenants/{revokedClient.Tenant}/oauth-clients/{revokedClient.Id}/revoke", new { }));
            case 15:
                var issuerTenant = Pick(_tenants).Id;
                var issuer = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{issuerTenant}/issuers", Issuer(random));
                _issuers.Add(((string)issuer["id"]!, issuerTenant));
                return true;
            case 16 when _issuers.Count > 0:
                var changed = Pick(_issuers);
                return await OkAsync(admin.PutAsJsonAsync($"/api/v1/tenants/{changed.Tenant}/issuers/{changed.Id}", Issuer(random)));
            case 17 when _issuers.Count > 0:
                var deleted = Pick(_issuers);
                _issuers.Remove(deleted);
                return await OkAsync(admin.DeleteAsync($"/api/v1/tenants/{deleted.Tenant}/issuers/{deleted.Id}"));
            default:
                return false;
        }
    }

    private object Issuer(Random random) => new
    {
        name = "idp",
        issuer = $"https://{Name("idp")}.example/",
        jwksUrl = $"{_upstream.BaseAddress}jwks",
        audience = "api",
        claimName = random.Next(2) == 0 ? "scope" : "roles",
        mappings = new object[]
        {
            new { value = "b", allowedModels = new[] { "embed", "chat" }, planId = random.Next(2) == 0 ? null : (string?)_plans[random.Next(_plans.Count)] },
            new { value = "a", allowedModels = new[] { "chat" } },
        }.Take(random.Next(1, 3)),
    };

    private static async Task<bool> OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {text}");
        return true;
    }
}
