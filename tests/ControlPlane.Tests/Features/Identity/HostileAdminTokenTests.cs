using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

/// <summary>Tokens crafted to fool the admin API: each one is refused with 401 and changes nothing.</summary>
public sealed class HostileAdminTokenTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private async Task<HttpStatusCode> CallAsync(string token)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/v1/me")).StatusCode;
    }

    private static string Segment(JsonObject json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static JsonObject Part(string jwt, int index) => JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[index]))!.AsObject();

    [Fact]
    public async Task ForgedAlteredAndWrongKindsOfTokens_AreRefused()
    {
        var tokens = await app.SignInAsync(ControlPlaneApp.FirstAdminEmail, ControlPlaneApp.FirstAdminPassword);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(tokens.AccessToken));
        var header = Part(tokens.AccessToken, 0);
        var payload = Part(tokens.AccessToken, 1);
        var signature = tokens.AccessToken.Split('.')[2];

        var hostile = new Dictionary<string, string>();
        foreach (var alg in new[] { "none", "None", "NONE", "nOnE" })
        {
            var h = header.DeepClone().AsObject();
            h["alg"] = alg;
            hostile[$"alg {alg}"] = $"{Segment(h)}.{Segment(payload)}.";
        }

        // HS256 keyed with the issuer's public key, the classic algorithm confusion.
        using var anonymous = app.CreateClient();
        var jwks = JsonNode.Parse(await anonymous.GetStringAsync("/.well-known/jwks"))!;
        var hs = header.DeepClone().AsObject();
        hs["alg"] = "HS256";
        var unsigned = $"{Segment(hs)}.{Segment(payload)}";
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(jwks["keys"]![0]!.ToJsonString()), Encoding.ASCII.GetBytes(unsigned));
        hostile["HS256 with the public key"] = $"{unsigned}.{Base64UrlEncoder.Encode(mac)}";

        var elevated = payload.DeepClone().AsObject();
        elevated["sub"] = Guid.NewGuid().ToString();
        hostile["changed payload, old signature"] = $"{Segment(header)}.{Segment(elevated)}.{signature}";

        var expired = payload.DeepClone().AsObject();
        expired["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        hostile["expired (re-encoded, old signature)"] = $"{Segment(header)}.{Segment(expired)}.{signature}";

        foreach (var (name, value) in new[] { ("kid", "../../etc/passwd"), ("kid", "' OR 1=1 --"), ("kid", new string('k', 100_000)), ("jku", "http://attacker.example/jwks") })
        {
            var h = header.DeepClone().AsObject();
            h[name] = value;
            hostile[$"{name} {value[..Math.Min(20, value.Length)]}"] = $"{Segment(h)}.{Segment(payload)}.{signature}";
        }

        hostile["identity token"] = tokens.IdToken!;
        hostile["refresh token"] = tokens.RefreshToken!;
        hostile["three dots of nothing"] = "..";

        var failures = new List<string>();
        foreach (var (name, token) in hostile)
        {
            var status = await CallAsync(token);
            if (status != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{name}: {(int)status}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
