using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

/// <summary>Moves the clock through a whole key period, so it has an app (and clock) of its own.</summary>
public sealed class SigningKeyRolloverTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Rollover_PublishesNextKeyBeforeUse_KeepsPreviousUntilItsTokensExpire_WithoutAFailedRequest()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "load", admin = true });
        var (clientId, secret) = ((string)created["client"]!["clientId"]!, (string)created["clientSecret"]!);
        var rotation = app.Services.GetRequiredService<IssuerKeyRotation>();
        var url = $"/api/v1/tenants/{tenant}/api-keys";

        var first = await TokenAsync(clientId, secret);
        var k1 = Kid(first);
        Assert.Equal([k1], await JwksAsync());

        // The next key is published a day before it signs: verifiers that cache the JWKS learn it in time.
        var announced = await app.WithDbAsync(db => db.ConfigState.AsNoTracking().Select(c => c.Revision).SingleAsync());
        app.Time.Advance(TimeSpan.FromDays(29) + TimeSpan.FromMinutes(1));
        await rotation.CheckAsync(CancellationToken.None);
        var published = await JwksAsync();
        Assert.Equal(2, published.Count);

        // ...and nodes learn it as a configuration revision in the same transaction (they validate tokens offline).
        Assert.Equal(1, await IssuerRevisionsAsync(announced));
        var k2 = published.Single(k => k != k1);
        var beforeSwitch = await TokenAsync(clientId, secret);
        Assert.Equal(k1, Kid(beforeSwitch));

        app.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(2));
        var lastOfK1 = await TokenAsync(clientId, secret);
        Assert.Equal(k1, Kid(lastOfK1));

        // Requests keep flowing, with the old key's token and with fresh ones, while the signer changes under them.
        app.Time.Advance(TimeSpan.FromMinutes(2));
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            while (!stop.IsCancellationRequested)
            {
                var token = i % 2 == 0 ? lastOfK1 : await TokenAsync(clientId, secret);
                if ((await Bearer(token).GetAsync(url)).StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.Delay(200);
        await rotation.CheckAsync(CancellationToken.None);
        await Task.Delay(300);
        var afterSwitch = await TokenAsync(clientId, secret);
        await Task.Delay(200);
        await stop.CancelAsync();
        await load;
        Assert.Equal(0, failures);
        Assert.Equal(k2, Kid(afterSwitch));
        Assert.Equal(HttpStatusCode.OK, (await Bearer(lastOfK1).GetAsync(url)).StatusCode);
        Assert.Equal(2, (await JwksAsync()).Count);

        // Once every token the old key signed has expired (refresh tokens last longest), it is no longer published.
        var beforeRetiring = await app.WithDbAsync(db => db.ConfigState.AsNoTracking().Select(c => c.Revision).SingleAsync());
        app.Time.Advance(TimeSpan.FromDays(15));
        await rotation.CheckAsync(CancellationToken.None);
        Assert.Equal([k2], await JwksAsync());
        Assert.Equal(1, await IssuerRevisionsAsync(beforeRetiring));
        Assert.Equal(1, await app.WithDbAsync(db => db.SigningKeys.CountAsync(k => k.Use == InferenceGateway.ControlPlane.Data.Identity.SigningKeyUse.Signing)));
        Assert.Equal(HttpStatusCode.OK, (await Bearer(await TokenAsync(clientId, secret)).GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task StoredKeys_AreEncrypted_NotPlainKeyMaterial()
    {
        Assert.NotEmpty(await JwksAsync());
        var keys = await app.WithDbAsync(db => db.SigningKeys.ToListAsync());
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var bytes = Convert.FromBase64String(key.ProtectedKey);
            Assert.False(bytes.Length > 2 && bytes[0] == 0x30 && bytes[1] == 0x82, "an RSA key must not be stored as plain PKCS#8");
        }
    }

    private async Task<string> TokenAsync(string clientId, string secret)
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "admin",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return response.StatusCode == HttpStatusCode.OK ? (string)body!["access_token"]! : throw new InvalidOperationException($"token: {body}");
    }

    private async Task<List<string>> JwksAsync()
    {
        using var anonymous = app.CreateClient();
        var discovery = await anonymous.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");
        var jwks = await anonymous.GetFromJsonAsync<JsonObject>(new Uri((string)discovery!["jwks_uri"]!).PathAndQuery);
        return jwks!["keys"]!.AsArray().Select(k => (string)k!["kid"]!).ToList();
    }

    /// <summary>Revisions after <paramref name="after"/> that told nodes about the issuer's keys, each holding exactly one platformIssuerChanged.</summary>
    private Task<int> IssuerRevisionsAsync(long after) => app.WithDbAsync(async db =>
    {
        var rows = await db.ConfigRevisions.AsNoTracking().Where(r => r.Revision > after && r.Cause == "issuer_keys.changed").ToListAsync();
        var protection = app.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>();
        Assert.All(rows, r => Assert.IsType<InferenceGateway.Contracts.PlatformIssuerChanged>(Assert.Single(InferenceGateway.ControlPlane.Features.Configuration.ConfigPublisher.ReadChanges(r, protection))));
        return rows.Count;
    });

    private HttpClient Bearer(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Kid(string jwt) => (string)JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0]))!["kid"]!;
}
