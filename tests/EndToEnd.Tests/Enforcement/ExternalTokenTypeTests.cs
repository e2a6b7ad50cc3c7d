using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>
/// <c>typ: JWT</c> from a tenant's own issuer (Auth0, Okta, Cognito and Entra ID sign access tokens so): refused
/// unless the issuer opts in with <c>acceptedTokenTypes</c>, and then still refused when the token looks like an id token.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class ExternalTokenTypeTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private const string Audience = "https://api.tenant.example";
    private RecordingUpstream _upstream = null!;
    private RecordingUpstream _idp = null!;
    private readonly RSA _rsa = RSA.Create(2048);

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync("typ");
        _idp = await RecordingUpstream.StartAsync("typ-idp");
        var p = _rsa.ExportParameters(false);
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = "k1", ["alg"] = "RS256", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) }),
        }.ToJsonString();
        _idp.Respond = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(jwks);
        };
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _idp.DisposeAsync();
        _rsa.Dispose();
    }

    private string Token(string issuer, string typ, Action<Dictionary<string, object>>? change = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer, ["aud"] = Audience, ["sub"] = "machine-1", ["azp"] = "spa-client", ["scope"] = "llm:chat",
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(), ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        return TokenMint.Sign(new RsaSecurityKey(_rsa) { KeyId = "k1" }, claims, typ: typ);
    }

    /// <summary>The token re-signed with a header that has no <c>typ</c> at all (the token handler always writes one).</summary>
    private string WithoutTyp(string token)
    {
        var header = TokenMint.Part(token, 0);
        header.Remove("typ");
        var signed = $"{TokenMint.Segment(header)}.{token.Split('.')[1]}";
        var signature = _rsa.SignData(System.Text.Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64UrlEncoder.Encode(signature)}";
    }

    private object Body(TenantSetup tenant, string issuer, string[]? types) => new
    {
        name = "auth0", issuer, jwksUrl = $"{_idp.BaseAddress}jwks", audience = Audience, claimName = "scope",
        mappings = new[] { new { value = "llm:chat", allowedModels = new[] { tenant.Model } } },
        acceptedTokenTypes = types,
    };

    private async Task<int> StatusAsync(TenantSetup tenant, string token) => (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token)).Status;

    [Fact]
    public async Task TypJwt_RefusedByDefault_AcceptedWhenTheIssuerOptsIn_ButIdTokensStayRefused()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var issuer = $"https://idp-{Guid.NewGuid():N}.example/";
        var admin = cluster.Admin();
        var created = await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/issuers", Body(tenant, issuer, null));
        Assert.Equal(["at+jwt"], created["acceptedTokenTypes"]!.AsArray().Select(t => (string)t!));
        await cluster.SyncAsync();

        // Strict (the default): an RFC 9068 access token works, the same token typed JWT does not.
        var jwtTyped = Token(issuer, "JWT");
        Assert.Equal(200, await StatusAsync(tenant, Token(issuer, "at+jwt")));
        _upstream.Clear();
        Assert.Equal(401, await StatusAsync(tenant, jwtTyped));
        Assert.Empty(_upstream.Requests);

        // The tenant opts this issuer in: the same token is now an access token.
        var url = $"/api/v1/tenants/{tenant.TenantId}/issuers/{(string)created["id"]!}";
        var relaxed = await admin.PutAsJsonAsync(url, Body(tenant, issuer, ["JWT", "at+jwt"]));
        Assert.Equal(HttpStatusCode.OK, relaxed.StatusCode);
        Assert.Equal(["at+jwt", "JWT"], (await relaxed.Content.ReadFromJsonAsync<JsonObject>())!["acceptedTokenTypes"]!.AsArray().Select(t => (string)t!));
        await cluster.SyncAsync();
        Assert.Equal(200, await StatusAsync(tenant, jwtTyped));
        Assert.Equal("auth0:machine-1", _upstream.Requests.Last().Header("X-Igw-Credential-Id"));

        // ...but what an id token carries still refuses a typ JWT token: each 401, nothing upstream.
        var idTokens = new Dictionary<string, string>
        {
            ["nonce"] = Token(issuer, "JWT", c => c["nonce"] = "n-0S6_WzA2Mj"),
            ["at_hash"] = Token(issuer, "JWT", c => c["at_hash"] = "77QmUPtjPfzWtF2AnpK9RQ"),
            ["c_hash"] = Token(issuer, "JWT", c => c["c_hash"] = "LDktKdoQak3Pk0cnXxCltA"),
            ["token_use id (Cognito)"] = Token(issuer, "JWT", c => c["token_use"] = "id"),
            ["audience is its own client (azp)"] = Token(issuer, "JWT", c => c["azp"] = Audience),
            ["audience is its own client (client_id)"] = Token(issuer, "JWT", c => c["client_id"] = Audience),
            ["no typ"] = WithoutTyp(Token(issuer, "JWT")),
            ["typ jwt in another case"] = Token(issuer, "jwt"),
        };
        _upstream.Clear();
        var accepted = new List<string>();
        foreach (var (name, token) in idTokens)
        {
            if (await StatusAsync(tenant, token) != 401)
            {
                accepted.Add(name);
            }
        }

        Assert.Empty(accepted);
        Assert.Empty(_upstream.Requests);
        Assert.Equal(200, await StatusAsync(tenant, Token(issuer, "JWT", c => c["token_use"] = "access")));

        // Back to strict: the JWT-typed token the node has cached is refused with the next revision.
        var strict = await admin.PutAsJsonAsync(url, Body(tenant, issuer, ["at+jwt"]));
        Assert.Equal(HttpStatusCode.OK, strict.StatusCode);
        await cluster.SyncAsync();
        _upstream.Clear();
        Assert.Equal(401, await StatusAsync(tenant, jwtTyped));
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task UnknownOrRepeatedTokenTypes_Get400_AndChangeNothing()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var admin = cluster.Admin();
        var before = await cluster.CurrentRevisionAsync();
        foreach (var types in new[] { new[] { "id+jwt" }, ["JWT", "jwt"], [], ["at+jwt", "none"] })
        {
            var response = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/issuers", Body(tenant, $"https://idp-{Guid.NewGuid():N}.example/", types));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
            Assert.True(errors.ContainsKey("acceptedTokenTypes"), errors.ToJsonString());
        }

        Assert.Equal(before, await cluster.CurrentRevisionAsync());
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>($"/api/v1/tenants/{tenant.TenantId}/issuers"))!);
    }
}
