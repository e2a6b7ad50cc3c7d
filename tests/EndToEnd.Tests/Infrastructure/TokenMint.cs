using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tokens for the tests: real ones from the control plane's token endpoint, and crafted ones signed with the
/// platform issuer's own current key (read from the test's database), so a test can vary one claim at a time.
/// </summary>
public static class TokenMint
{
    public sealed record OAuthClientSetup(string Id, string ClientId, string ClientSecret);

    public static async Task<OAuthClientSetup> CreateClientAsync(GatewayCluster cluster, TenantSetup tenant, params string[] models)
    {
        var created = await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/oauth-clients", new { name = "machine", allowedModels = models });
        return new OAuthClientSetup((string)created["client"]!["id"]!, (string)created["client"]!["clientId"]!, (string)created["clientSecret"]!);
    }

    /// <summary>client_credentials at the control plane's token endpoint, as a tenant's machine does it.</summary>
    public static async Task<string> TokenAsync(GatewayCluster cluster, OAuthClientSetup client)
    {
        using var http = cluster.ControlPlane!.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token endpoint: {(int)response.StatusCode} {body}");
        return (string)JsonNode.Parse(body)!["access_token"]!;
    }

    /// <summary>The issuer's current signing key, private half, as the control plane holds it.</summary>
    public static async Task<RsaSecurityKey> CurrentKeyAsync(GatewayCluster cluster)
    {
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var stored = await db.SigningKeys.AsNoTracking().ToListAsync();
        var current = IssuerKeys.Published(stored, DateTimeOffset.UtcNow)[0];
        var protector = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(IssuerKeys.Purpose);
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(current.ProtectedKey)), out _);
        return new RsaSecurityKey(rsa) { KeyId = current.KeyId };
    }

    /// <summary>A token with <paramref name="claims"/> (exp, iss, aud... as given) signed by <paramref name="key"/>.</summary>
    public static string Sign(SecurityKey key, IDictionary<string, object> claims, string typ = "at+jwt", string alg = SecurityAlgorithms.RsaSha256,
        IDictionary<string, object>? header = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = typ,
            SigningCredentials = new SigningCredentials(key, alg),
            AdditionalHeaderClaims = header,
        });

    public static string Segment(JsonObject json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));

    public static JsonObject Part(string jwt, int index) => JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[index]))!.AsObject();

    public static async Task<JsonObject> JwksAsync(GatewayCluster cluster)
    {
        using var http = cluster.ControlPlane!.CreateClient();
        return (await http.GetFromJsonAsync<JsonObject>("/.well-known/jwks"))!;
    }
}
