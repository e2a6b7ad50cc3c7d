using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>A tenant's own identity provider: registered through the admin API, its JWKS fetched by the node through the egress checks.</summary>
[Collection(NodeCollection.Name)]
public sealed class ExternalIssuerTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private const string Audience = "https://api.tenant.example";
    private RecordingUpstream _upstream = null!;
    private RecordingUpstream _idp = null!;
    private readonly RSA _first = RSA.Create(2048);
    private readonly RSA _second = RSA.Create(2048);
    private volatile string _jwks = "{\"keys\":[]}";

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync("ext");
        _idp = await RecordingUpstream.StartAsync("idp");
        _idp.Respond = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(_jwks);
        };
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _idp.DisposeAsync();
        _first.Dispose();
        _second.Dispose();
    }

    private static string Jwks(params (RSA Rsa, string Kid)[] keys) => new JsonObject
    {
        ["keys"] = new JsonArray([.. keys.Select(k =>
        {
            var p = k.Rsa.ExportParameters(false);
            return (JsonNode)new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = k.Kid, ["alg"] = "RS256", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
        })]),
    }.ToJsonString();

    private static string Token(RSA rsa, string kid, string issuer, string subject = "user-1", object? roles = null, string? audience = null) =>
        TokenMint.Sign(new RsaSecurityKey(rsa) { KeyId = kid }, new Dictionary<string, object>
        {
            ["iss"] = issuer, ["aud"] = audience ?? Audience, ["sub"] = subject, ["roles"] = roles ?? new[] { "chat-users" },
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(), ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        });

    private async Task<JsonObject> RegisterAsync(TenantSetup tenant, string issuer, string? jwksUrl = null) =>
        await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/issuers", new
        {
            name = "idp",
            issuer,
            jwksUrl = jwksUrl ?? $"{_idp.BaseAddress}jwks",
            audience = Audience,
            claimName = "roles",
            mappings = new[] { new { value = "chat-users", allowedModels = new[] { tenant.Model } } },
        });

    [Fact]
    public async Task ExternalToken_CallsTheMappedModel_AndARotatedKeyIsPickedUpOnAnUnknownKid()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var issuer = $"https://idp-{Guid.NewGuid():N}.example/";
        _jwks = Jwks((_first, "k1"));
        await RegisterAsync(tenant, issuer);
        await cluster.SyncAsync();

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), Token(_first, "k1", issuer));
        Assert.Equal(200, response.Status);
        Assert.Equal("idp:user-1", _upstream.Requests.Last().Header("X-Igw-Credential-Id"));

        // A claim value without a mapping grants no model; a wrong audience is no token at all.
        Assert.Equal(403, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), Token(_first, "k1", issuer, "user-2", new[] { "other" }))).Status);
        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), Token(_first, "k1", issuer, audience: "another"))).Status);

        // The issuer rotates: its JWKS now has only the new key. The node learns it on the first unknown kid.
        _jwks = Jwks((_second, "k2"));
        var rotated = Token(_second, "k2", issuer, "user-3");
        await GatewayCluster.WaitUntilAsync(async () => (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), rotated)).Status == 200, "the rotated key to be fetched");

        // Invented kids cost at most one fetch per interval, not one per request.
        var fetches = _idp.Requests.Count;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), Token(_second, $"invented-{i}", issuer))).Status);
        }

        Assert.True(_idp.Requests.Count - fetches < 20, $"{_idp.Requests.Count - fetches} JWKS fetches for 20 unknown kids");

        // Another tenant's path does not accept this tenant's issuer.
        var other = await cluster.CreateTenantAsync(_upstream);
        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), other.Path("/models"), Token(_second, "k2", issuer))).Status);
    }

    [Fact]
    public async Task RemovedIssuer_ItsCachedTokensAreRefused()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var issuer = $"https://idp-{Guid.NewGuid():N}.example/";
        _jwks = Jwks((_first, "k1"));
        var created = await RegisterAsync(tenant, issuer);
        await cluster.SyncAsync();
        var token = Token(_first, "k1", issuer);
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token)).Status);

        var deleted = await cluster.Admin().DeleteAsync($"/api/v1/tenants/{tenant.TenantId}/issuers/{(string)created["id"]!}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await cluster.SyncAsync();
        _upstream.Clear();
        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token)).Status);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task JwksUrlAtAPrivateAddress_IsRefusedAtRegistration_AndAtTheNodesConnect()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var refused = await cluster.Admin().PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/issuers", new
        {
            name = "idp", issuer = "https://idp.example/", jwksUrl = "http://10.1.2.3/jwks", audience = Audience, claimName = "roles",
            mappings = new[] { new { value = "chat-users", allowedModels = new[] { tenant.Model } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["jwksUrl"]);

        // A name that is public when the control plane checks it and private when the node connects (rebinding).
        var name = $"jwks-{Guid.NewGuid():N}.example";
        cluster.ControlPlaneDns.Set(name, "93.184.215.14");
        cluster.NodeDns.Set(name, "127.0.0.2");
        var issuer = $"https://idp-{Guid.NewGuid():N}.example/";
        _jwks = Jwks((_first, "k1"));
        await RegisterAsync(tenant, issuer, $"http://{name}:{_idp.Port}/jwks");
        await cluster.SyncAsync();
        var fetches = _idp.Requests.Count;

        Assert.Equal(401, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), Token(_first, "k1", issuer))).Status);
        Assert.Equal(fetches, _idp.Requests.Count);
    }

    [Fact]
    public async Task InvalidRegistration_GetsEveryErrorByField_AndChangesNothing()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var admin = cluster.Admin();
        var before = await cluster.CurrentRevisionAsync();
        var response = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/issuers", new
        {
            name = "bad name!", issuer = "not a url", jwksUrl = "ftp://x/jwks", audience = "", claimName = "a b",
            mappings = new object[] { new { value = "v", allowedModels = Array.Empty<string>() }, new { value = "v", allowedModels = new[] { "m" }, planId = Guid.NewGuid() } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        foreach (var field in new[] { "name", "issuer", "jwksUrl", "audience", "claimName", "mappings", "mappings[0].allowedModels", "mappings[1].planId" })
        {
            Assert.True(errors.ContainsKey(field), $"no error for {field}: {errors.ToJsonString()}");
        }

        Assert.Equal(before, await cluster.CurrentRevisionAsync());
        var list = await admin.GetFromJsonAsync<JsonArray>($"/api/v1/tenants/{tenant.TenantId}/issuers");
        Assert.Empty(list!);
    }
}
