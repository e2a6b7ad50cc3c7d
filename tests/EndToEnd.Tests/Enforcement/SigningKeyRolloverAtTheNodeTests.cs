using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>
/// The platform issuer's signing keys roll over, on the control plane's real clock, while a tenant's machines call a
/// model through a node with tokens from the token endpoint: not one request fails, the next key's tokens work from
/// their first request, and once the previous key retires a token it signed is refused.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class SigningKeyRolloverAtTheNodeTests(IdentityCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("rollover");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Rollover_UnderLoad_NoFailedRequest_NextKeyAcceptedAtOnce_RetiredKeyRefused()
    {
        // Limits far above the load: a 429 would be a failed request that has nothing to do with the keys.
        var tenant = await cluster.CreateTenantAsync(_upstream, new { requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 100_000, burstPerTenant = 100_000 });
        var client = await TokenMint.CreateClientAsync(cluster, tenant, tenant.Model);
        await cluster.SyncAsync();

        // The signer now, and the next key, published ahead of its activation (the control plane keeps one ready).
        SigningKey previous = null!, next = null!;
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var published = IssuerKeys.Published(await StoredAsync(), DateTimeOffset.UtcNow);
            (previous, next) = (published[0], published.Skip(1).FirstOrDefault(k => k.ActivatesAt > DateTimeOffset.UtcNow.AddSeconds(10))!);
            return next is not null;
        }, "a next signing key a while before it signs", 150_000);
        var previousKey = PrivateKey(previous);
        await cluster.SyncAsync();
        Assert.True(NodeKnows(next.KeyId), "the node holds the next key before it signs anything");

        // Load: four workers call the model with the newest token; one keeps the last token of the previous key for as
        // long as it is valid, so both keys are in use across the switch.
        var latest = await TokenMint.TokenAsync(cluster, client);
        var held = latest;
        long heldUntil = (DateTimeOffset.UtcNow + IdentityCluster.TokenLifetime - TimeSpan.FromSeconds(5)).ToUnixTimeMilliseconds();
        var failures = new ConcurrentQueue<string>();
        var okByKid = new ConcurrentDictionary<string, int>();
        var heldOkAfterSwitch = 0;
        var switched = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var useHeld = i == 0 && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < Interlocked.Read(ref heldUntil);
                var token = useHeld ? Volatile.Read(ref held) : Volatile.Read(ref latest);
                var status = (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token)).Status;
                if (status != 200)
                {
                    failures.Enqueue($"{Kid(token)}: {status}");
                }
                else
                {
                    okByKid.AddOrUpdate(Kid(token), 1, (_, n) => n + 1);
                    if (useHeld && Volatile.Read(ref switched) == 1)
                    {
                        Interlocked.Increment(ref heldOkAfterSwitch);
                    }
                }

                // Steady traffic, not a flood: the machine has two cores shared with the control plane and the node.
                await Task.Delay(5);
            }
        })).ToList();

        // A machine fetches a fresh token every half second, as a client does when its token nears expiry.
        string? firstOfNext = null;
        DateTimeOffset? retiresAt = null;
        while (retiresAt is null || DateTimeOffset.UtcNow < retiresAt.Value + TimeSpan.FromSeconds(5))
        {
            var token = await TokenMint.TokenAsync(cluster, client);
            if (Kid(token) == previous.KeyId)
            {
                Volatile.Write(ref held, token);
                Interlocked.Exchange(ref heldUntil, (DateTimeOffset.UtcNow + IdentityCluster.TokenLifetime - TimeSpan.FromSeconds(5)).ToUnixTimeMilliseconds());
            }
            else if (firstOfNext is null && Kid(token) == next.KeyId)
            {
                firstOfNext = token;
                Volatile.Write(ref switched, 1);
                retiresAt = (await StoredAsync()).Single(k => k.KeyId == previous.KeyId).RetiresAt!.Value;
            }

            Volatile.Write(ref latest, token);
            if (!failures.IsEmpty)
            {
                break;
            }

            await Task.Delay(500);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Assert.True(failures.IsEmpty, $"failed requests during the rollover: {string.Join(", ", failures.Take(5))}");
        Assert.NotNull(firstOfNext);
        Assert.True(okByKid.GetValueOrDefault(previous.KeyId) > 0 && okByKid.GetValueOrDefault(next.KeyId) > 0, string.Join(", ", okByKid));
        Assert.True(heldOkAfterSwitch > 0, "the previous key's token kept working after the next key started signing");

        // Retired: no longer published, and a token it signs (fresh exp, every other claim right) is refused, while the
        // same claims signed by a published key pass.
        await cluster.SyncAsync();
        Assert.False(NodeKnows(previous.KeyId), "the node dropped the retired key");
        var claims = TokenMint.Part(firstOfNext, 1).Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _))
            .ToDictionary(p => p.Key, p => (object)p.Value!.GetValue<string>());
        claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds();
        claims["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        claims.Remove("nbf");
        _upstream.Clear();
        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), TokenMint.Sign(previousKey, claims))).Status);
        Assert.Empty(_upstream.Requests);
        var current = IssuerKeys.Published(await StoredAsync(), DateTimeOffset.UtcNow)[0];
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), TokenMint.Sign(PrivateKey(current), claims))).Status);
    }

    private bool NodeKnows(string kid) =>
        GatewayCluster.ConfigOf(cluster.Node(0)).Current?.Issuers.Platform?.Keys.ContainsKey(kid) == true;

    private async Task<List<SigningKey>> StoredAsync()
    {
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().SigningKeys.AsNoTracking().Where(k => k.Use == SigningKeyUse.Signing).ToListAsync();
    }

    private RsaSecurityKey PrivateKey(SigningKey stored)
    {
        var protector = cluster.ControlPlane!.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(IssuerKeys.Purpose);
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(stored.ProtectedKey)), out _);
        return new RsaSecurityKey(rsa) { KeyId = stored.KeyId };
    }

    private static string Kid(string jwt) => (string)TokenMint.Part(jwt, 0)["kid"]!;
}
