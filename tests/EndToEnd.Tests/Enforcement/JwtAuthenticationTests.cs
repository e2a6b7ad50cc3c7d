using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>Access tokens of the platform issuer at a node: a tenant's machine calls a model with one; forged, stale or foreign ones are refused.</summary>
[Collection(NodeCollection.Name)]
public sealed class JwtAuthenticationTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("jwt");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ClientCredentialsToken_CallsAModel_AndTheUpstreamSeesTheClient_UntilTheClientIsRevoked()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = await TokenMint.CreateClientAsync(cluster, tenant, tenant.Model);
        await cluster.SyncAsync();
        var token = await TokenMint.TokenAsync(cluster, client);

        for (var i = 0; i < 3; i++)
        {
            var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token);
            Assert.Equal(200, response.Status);
        }

        var seen = _upstream.Requests.Where(r => r.PathAndQuery == "/v1/models").ToList();
        Assert.Equal(3, seen.Count);
        Assert.All(seen, r => Assert.Equal(client.ClientId, r.Header("X-Igw-Credential-Id")));
        Assert.All(seen, r => Assert.DoesNotContain(token, r.Everything, StringComparison.Ordinal));

        // The token stays unexpired, but the client is revoked: the node refuses it once the revision arrives.
        var revoked = await cluster.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/oauth-clients/{client.Id}/revoke", new { });
        Assert.True(revoked.IsSuccessStatusCode);
        await cluster.SyncAsync();
        _upstream.Clear();
        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token)).Status);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task TokenScopes_LimitTheModels_AndAnotherTenantsTokenIsRefused()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var other = await cluster.CreateTenantAsync(_upstream);
        var narrow = await TokenMint.CreateClientAsync(cluster, tenant, "some-other-model");
        var foreign = await TokenMint.CreateClientAsync(cluster, other, other.Model);
        await cluster.SyncAsync();
        _upstream.Clear();

        Assert.Equal(403, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), await TokenMint.TokenAsync(cluster, narrow))).Status);
        var foreignToken = await TokenMint.TokenAsync(cluster, foreign);
        var refused = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), foreignToken);
        Assert.Equal(401, refused.Status);
        Assert.Empty(_upstream.Requests);
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), other.Path("/models"), foreignToken)).Status);
    }

    [Fact]
    public async Task HostileTokens_AreEachRefusedWith401_AndNothingReachesTheUpstreamOrTheirUrls()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = await TokenMint.CreateClientAsync(cluster, tenant, tenant.Model);
        await cluster.SyncAsync();
        var real = await TokenMint.TokenAsync(cluster, client);
        var key = await TokenMint.CurrentKeyAsync(cluster);
        await using var attacker = await RecordingUpstream.StartAsync("attacker");
        var attackerUrl = attacker.BaseAddress.ToString();
        using var attackerRsa = RSA.Create(2048);
        var attackerKey = new RsaSecurityKey(attackerRsa) { KeyId = key.KeyId };
        var header = TokenMint.Part(real, 0);
        var payload = TokenMint.Part(real, 1);
        var signature = real.Split('.')[2];
        var now = DateTimeOffset.UtcNow;

        Dictionary<string, object> Claims(Action<Dictionary<string, object>>? change = null)
        {
            var claims = new Dictionary<string, object>
            {
                ["iss"] = (string)payload["iss"]!, ["aud"] = "inference-gateway", ["sub"] = client.ClientId, ["tenant"] = tenant.TenantId,
                ["scope"] = $"model:{tenant.Model}", ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(), ["iat"] = now.ToUnixTimeSeconds(),
            };
            change?.Invoke(claims);
            return claims;
        }

        // Positive controls: the crafted path works when nothing is wrong, and within the 30 s skew.
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), TokenMint.Sign(key, Claims()))).Status);
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), TokenMint.Sign(key, Claims(c => c["exp"] = now.AddSeconds(-10).ToUnixTimeSeconds())))).Status);

        var hostile = new Dictionary<string, string>();
        foreach (var alg in new[] { "none", "None", "NONE", "nOnE" })
        {
            var h = header.DeepClone().AsObject();
            h["alg"] = alg;
            hostile[$"alg {alg}"] = $"{TokenMint.Segment(h)}.{TokenMint.Segment(payload)}.";
            hostile[$"alg {alg} with the old signature"] = $"{TokenMint.Segment(h)}.{TokenMint.Segment(payload)}.{signature}";
        }

        var jwks = await TokenMint.JwksAsync(cluster);
        var hs = header.DeepClone().AsObject();
        hs["alg"] = "HS256";
        var unsigned = $"{TokenMint.Segment(hs)}.{TokenMint.Segment(payload)}";
        foreach (var (name, secret) in new[] { ("jwk JSON", jwks["keys"]![0]!.ToJsonString()), ("modulus", (string)jwks["keys"]![0]!["n"]!) })
        {
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(unsigned));
            hostile[$"HS256 keyed with the public key ({name})"] = $"{unsigned}.{Base64UrlEncoder.Encode(mac)}";
        }

        foreach (var kid in new[] { "../../etc/passwd", "' OR 1=1 --", "unknown-kid", new string('k', 4_000) })
        {
            var h = header.DeepClone().AsObject();
            h["kid"] = kid;
            hostile[$"kid {kid[..Math.Min(16, kid.Length)]}"] = $"{TokenMint.Segment(h)}.{TokenMint.Segment(payload)}.{signature}";
        }

        // Keys named by the token itself are never fetched nor trusted: each is signed by the attacker's key.
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(attackerRsa.ExportParameters(false)));
        hostile["jku"] = TokenMint.Sign(attackerKey, Claims(), header: new Dictionary<string, object> { ["jku"] = attackerUrl + "jwks" });
        hostile["x5u"] = TokenMint.Sign(attackerKey, Claims(), header: new Dictionary<string, object> { ["x5u"] = attackerUrl + "cert.pem" });
        hostile["jwk"] = TokenMint.Sign(attackerKey, Claims(), header: new Dictionary<string, object> { ["jwk"] = new Dictionary<string, object> { ["kty"] = "RSA", ["n"] = jwk.N, ["e"] = jwk.E } });
        hostile["x5c"] = TokenMint.Sign(attackerKey, Claims(), header: new Dictionary<string, object> { ["x5c"] = new[] { Convert.ToBase64String(SelfSigned(attackerRsa)) } });
        hostile["unknown kid, attacker's key"] = TokenMint.Sign(new RsaSecurityKey(attackerRsa) { KeyId = "attacker" }, Claims());

        hostile["expired beyond the skew"] = TokenMint.Sign(key, Claims(c => c["exp"] = now.AddSeconds(-90).ToUnixTimeSeconds()));
        hostile["nbf in the future"] = TokenMint.Sign(key, Claims(c => c["nbf"] = now.AddMinutes(2).ToUnixTimeSeconds()));
        hostile["no exp"] = TokenMint.Sign(key, Claims(c => c.Remove("exp")));
        hostile["wrong issuer"] = TokenMint.Sign(key, Claims(c => c["iss"] = "https://issuer.example/"));
        hostile["wrong audience"] = TokenMint.Sign(key, Claims(c => c["aud"] = "another-api"));
        hostile["no audience (a portal user's token)"] = TokenMint.Sign(key, Claims(c => c.Remove("aud")));
        hostile["id token (typ JWT)"] = TokenMint.Sign(key, Claims(), typ: "JWT");
        hostile["no typ"] = TokenMint.Sign(key, Claims(), typ: null!);
        hostile["refresh-token shape (JWE, five segments)"] = $"{TokenMint.Segment(header)}.{TokenMint.Segment(payload)}.aaaa.bbbb.{signature}";
        hostile["unknown client"] = TokenMint.Sign(key, Claims(c => c["sub"] = "igwc_notaclient"));
        hostile["tenant claim of another tenant"] = TokenMint.Sign(key, Claims(c => c["tenant"] = Guid.NewGuid().ToString()));
        hostile["PS256 claimed over an RS256 signature"] = $"{TokenMint.Segment(WithAlg(header, "PS256"))}.{TokenMint.Segment(payload)}.{signature}";
        var elevated = payload.DeepClone().AsObject();
        elevated["scope"] = "model:everything";
        hostile["changed payload, old signature"] = $"{TokenMint.Segment(header)}.{TokenMint.Segment(elevated)}.{signature}";

        _upstream.Clear();
        var failures = new List<string>();
        foreach (var (name, token) in hostile)
        {
            var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token);
            if (response.Status != 401)
            {
                failures.Add($"{name}: {response.Status}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(_upstream.Requests);
        Assert.Empty(attacker.Requests);

        // A 100 KB kid is stopped before any of it is parsed: by the server's header limit, or else as a 401.
        var huge = header.DeepClone().AsObject();
        huge["kid"] = new string('k', 100_000);
        var hugeStatus = (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), $"{TokenMint.Segment(huge)}.{TokenMint.Segment(payload)}.{signature}")).Status;
        Assert.True(hugeStatus is 401 or 431, $"100 KB kid: {hugeStatus}");
        Assert.Empty(_upstream.Requests);

        // The real token still works after all that (nothing was cached or poisoned).
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), real)).Status);
    }

    private static System.Text.Json.Nodes.JsonObject WithAlg(System.Text.Json.Nodes.JsonObject header, string alg)
    {
        var h = header.DeepClone().AsObject();
        h["alg"] = alg;
        return h;
    }

    private static byte[] SelfSigned(RSA rsa)
    {
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=attacker", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }
}
