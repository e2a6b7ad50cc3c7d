using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.Security.Keys;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Distribution;

/// <summary>
/// A node whose control plane and broker are unreachable starts from a last-known-good file of a million keys
/// (written directly, in the compact form the node itself writes) and serves the first and the last of them.
/// </summary>
public sealed class MillionKeyColdStartTests : IAsyncLifetime
{
    private const int KeyCount = 1_000_000;
    private static readonly Guid PlanId = Guid.NewGuid();
    private static readonly Guid TenantId = Guid.NewGuid();
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"igw-cold-{Guid.NewGuid():N}");
    private readonly byte[] _snapshotKey = RandomNumberGenerator.GetBytes(32);
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("cold-start");

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    [Fact]
    public async Task Start_FromAMillionKeyLastKnownGoodFile_ServesTheFirstAndTheLastKey()
    {
        var first = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var last = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var header = new ConfigSnapshot
        {
            Revision = 77,
            Epoch = Guid.NewGuid(),
            CompiledAt = DateTimeOffset.UtcNow,
            ContentHash = string.Empty,
            Plans = [new PlanSnapshot { PlanId = PlanId, Name = "bulk", RequestsPerSecondPerKey = 1000, BurstPerKey = 1000, RequestsPerSecondPerTenant = 1000, BurstPerTenant = 1000, MaxRequestBodyBytes = 1 << 20 }],
            Tenants = [new TenantSnapshot { TenantId = TenantId, Slug = "cold", Status = TenantState.Active, PlanId = PlanId }],
            Routes = [new RouteSnapshot { TenantId = TenantId, TenantSlug = "cold", Model = "chat", EndpointId = Guid.NewGuid(), BaseUrl = _upstream.BaseAddress.ToString().TrimEnd('/'), TimeoutSeconds = 30 }],
        };
        Directory.CreateDirectory(_stateDirectory);
        var file = LastKnownGoodStore.Encrypt(header, KeyCount, Keys(first, last), _snapshotKey);
        await File.WriteAllBytesAsync(Path.Combine(_stateDirectory, "snapshot.bin"), file);

        await using var node = new ColdNode(_stateDirectory, _snapshotKey);
        var config = node.Services.GetRequiredService<NodeConfig>();
        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(config.Revision == 77), "the node to load its million-key file", timeoutMs: 60_000);
        Assert.Equal(KeyCount, config.Current!.Keys.Count);

        foreach (var key in new[] { first, last })
        {
            using var client = node.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/t/cold/chat/models")).StatusCode);
        }

        Assert.Equal(2, _upstream.Requests.Count);
        using var stranger = node.CreateClient();
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyText.Create(ApiKeyText.NewPublicId()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/t/cold/chat/models")).StatusCode);
    }

    /// <summary>The first and the last key are real key texts; the 999,998 between have random hashes.</summary>
    private static IEnumerable<CompactKey> Keys(string first, string last)
    {
        var random = new byte[48];
        for (var i = 0; i < KeyCount; i++)
        {
            RandomNumberGenerator.Fill(random);
            var text = i == 0 ? first : i == KeyCount - 1 ? last : null;
            yield return new CompactKey
            {
                KeyId = new Guid(random.AsSpan(0, 16)),
                TenantId = TenantId,
                PublicId = text is null ? BitConverter.ToUInt64(random, 16) >> 4 : CompactKey.PackPublicId(ApiKeyText.PublicIdOf(text))!.Value,
                Hash = text is null ? Hash256.From(random.AsSpan(16, 32)) : Hash256.From(ApiKeyText.Hash(text)),
                PreviousUntilMs = CompactKey.Never,
                ExpiresAtMs = CompactKey.Never,
            };
        }
    }

    /// <summary>A node on a real port whose control plane and broker addresses have nothing listening.</summary>
    private sealed class ColdNode : WebApplicationFactory<DataPlaneMarker>
    {
        private readonly string _stateDirectory;
        private readonly byte[] _snapshotKey;

        public ColdNode(string stateDirectory, byte[] snapshotKey)
        {
            _stateDirectory = stateDirectory;
            _snapshotKey = snapshotKey;
            this.UseKestrel();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var prefix = $"cold{Guid.NewGuid():N}"[..15];
            builder.UseEnvironment("Testing");
            builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
            builder.UseSetting("DataPlane:NodeId", $"{prefix}-node");
            builder.UseSetting("DataPlane:ControlPlaneUrl", $"http://127.0.0.1:{FreePort.Next()}");
            builder.UseSetting("DataPlane:NodeToken", "cold-start-node-token-0123456789abcdefghij");
            builder.UseSetting("DataPlane:SnapshotKey", Convert.ToBase64String(_snapshotKey));
            builder.UseSetting("DataPlane:StateDirectory", _stateDirectory);
            builder.UseSetting("DataPlane:AccessLog:Path", Path.Combine(_stateDirectory, "access.log"));
            builder.UseSetting("DataPlane:AllowedPrivateNetworks:0", "127.0.0.1/32 tenants=*");
            builder.UseSetting("Bus:Port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Bus:EntityPrefix", prefix);
        }
    }
}
