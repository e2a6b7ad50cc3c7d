using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using InferenceGateway.ControlPlane.Features.ApiKeys;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using InferenceGateway.Security.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features;

public sealed class ApiKeysApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    private async Task<string?> VerifyAsync(string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var verified = await scope.ServiceProvider.GetRequiredService<ApiKeyVerifier>().VerifyAsync(key, default);
        return verified?.Id.ToString();
    }

    [Fact]
    public async Task Create_ReturnsTheSecretOnceAndNoReadShowsItAgain()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "ci key" });

        var secret = (string)created["key"]!;
        var keyId = created["apiKey"]!.AsObject().Id();
        Assert.True(ApiKeyText.IsWellFormed(secret));
        Assert.StartsWith((string)created["apiKey"]!["prefix"]! + "_", secret);
        Assert.Equal(keyId, await VerifyAsync(secret));

        foreach (var url in new[]
        {
            $"/api/v1/tenants/{tenantId}/api-keys", $"/api/v1/tenants/{tenantId}/api-keys/{keyId}", $"/api/v1/tenants/{tenantId}/audit",
            "/api/v1/audit?pageSize=200", $"/api/v1/tenants/{tenantId}",
        })
        {
            var body = await _admin.GetStringAsync(url);
            Assert.DoesNotContain(secret, body);
            Assert.DoesNotContain(secret[^49..], body); // the secret part alone
        }
    }

    [Fact]
    public async Task Create_StoresOnlyTheHash()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "hash only" });
        var secret = (string)created["key"]!;
        var keyId = Guid.Parse(created["apiKey"]!.AsObject().Id());

        var stored = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), stored.SecretHash);

        // No column of the row holds the secret in any form.
        var row = await app.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT row_to_json(k)::text FROM \"ApiKeys\" k WHERE \"Id\" = '{keyId}'";
            return (string)(await command.ExecuteScalarAsync())!;
        });
        Assert.DoesNotContain(secret[^49..^6], row);
    }

    [Fact]
    public async Task Create_InvalidFields_ReturnsEveryError()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys", new
        {
            name = "",
            allowedModels = new[] { "../etc" },
            expiresAt = app.Time.GetUtcNow().AddMinutes(-1),
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("name"));
        Assert.NotEmpty(problem.Errors("allowedModels"));
        Assert.NotEmpty(problem.Errors("expiresAt"));
    }

    [Fact]
    public async Task Create_UnknownTenant_Returns404()
    {
        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{Guid.NewGuid()}/api-keys", new { name = "x" });
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revoke_KeyStopsVerifyingAndASecondRevokeIs409()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "to revoke" });
        var keyId = created["apiKey"]!.AsObject().Id();

        var revoked = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/revoke", new { }, HttpStatusCode.OK);

        Assert.Equal("revoked", (string)revoked["status"]!);
        Assert.Null(await VerifyAsync((string)created["key"]!));
        await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/revoke", new { })).ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", new { })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Rotate_WithGracePeriod_BothSecretsWorkUntilItEnds()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "rotating" });
        var keyId = created["apiKey"]!.AsObject().Id();
        var oldSecret = (string)created["key"]!;

        var rotated = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", new { gracePeriodSeconds = 300 }, HttpStatusCode.OK);
        var newSecret = (string)rotated["key"]!;

        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(keyId, rotated["apiKey"]!.AsObject().Id());
        Assert.Equal(keyId, await VerifyAsync(oldSecret));
        Assert.Equal(keyId, await VerifyAsync(newSecret));

        app.Time.Advance(TimeSpan.FromSeconds(301));

        Assert.Null(await VerifyAsync(oldSecret));
        Assert.Equal(keyId, await VerifyAsync(newSecret));
        var read = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}");
        Assert.DoesNotContain(newSecret, read.ToJsonString());
    }

    [Fact]
    public async Task Rotate_WithoutGracePeriod_OldSecretStopsAtOnce()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "rotating" });
        var keyId = created["apiKey"]!.AsObject().Id();

        var rotated = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", new { }, HttpStatusCode.OK);

        Assert.Null(await VerifyAsync((string)created["key"]!));
        Assert.Equal(keyId, await VerifyAsync((string)rotated["key"]!));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(604801)]
    public async Task Rotate_GracePeriodOutOfRange_Returns400(int grace)
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "rotating" });
        var keyId = created["apiKey"]!.AsObject().Id();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", new { gracePeriodSeconds = grace });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("gracePeriodSeconds"));
        Assert.Equal(keyId, await VerifyAsync((string)created["key"]!));
    }

    [Fact]
    public async Task ExpiredKey_StopsVerifyingAndShowsExpired()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "short", expiresAt = app.Time.GetUtcNow().AddHours(1) });
        var secret = (string)created["key"]!;
        Assert.NotNull(await VerifyAsync(secret));

        app.Time.Advance(TimeSpan.FromHours(2));

        Assert.Null(await VerifyAsync(secret));
        var read = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{created["apiKey"]!.AsObject().Id()}");
        Assert.Equal("expired", (string)read["status"]!);
    }

    [Fact]
    public async Task KeyOfAnotherTenant_IsNotFoundThroughThisTenant()
    {
        var (tenantA, _) = await _admin.CreateTenantAsync();
        var (tenantB, _) = await _admin.CreateTenantAsync();
        var keyOfB = await _admin.PostOkAsync($"/api/v1/tenants/{tenantB}/api-keys", new { name = "b" });
        var keyId = keyOfB["apiKey"]!.AsObject().Id();

        await (await _admin.GetAsync($"/api/v1/tenants/{tenantA}/api-keys/{keyId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantA}/api-keys/{keyId}/revoke", new { })).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantA}/api-keys/{keyId}/rotate", new { })).ProblemAsync(HttpStatusCode.NotFound);
        var list = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantA}/api-keys");
        Assert.DoesNotContain(keyId, list.ToJsonString());
        Assert.NotNull(await VerifyAsync((string)keyOfB["key"]!));
    }

    [Fact]
    public async Task ConcurrentChangesOfOneKey_OnlyOneCommits()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "raced" });
        var keyId = Guid.Parse(created["apiKey"]!.AsObject().Id());

        // Two requests that read the key before either writes (a revoke and a rotate racing).
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var a = await first.ServiceProvider.GetRequiredService<ControlPlane.Data.ControlPlaneDbContext>().ApiKeys.SingleAsync(k => k.Id == keyId);
        var b = await second.ServiceProvider.GetRequiredService<ControlPlane.Data.ControlPlaneDbContext>().ApiKeys.SingleAsync(k => k.Id == keyId);
        a.RevokedAt = DateTimeOffset.UtcNow;
        a.Version++;
        b.SecretHash = ApiKeyText.Hash(ApiKeyText.Create(b.PublicId));
        b.Version++;
        await first.ServiceProvider.GetRequiredService<ControlPlane.Data.ControlPlaneDbContext>().SaveChangesAsync();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.ServiceProvider.GetRequiredService<ControlPlane.Data.ControlPlaneDbContext>().SaveChangesAsync());
        var stored = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId));
        Assert.NotNull(stored.RevokedAt);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes((string)created["key"]!)), stored.SecretHash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("igw_")]
    [InlineData("sk-not-ours")]
    public async Task Verify_MalformedOrForgedKey_IsRejected(string presented)
    {
        Assert.Null(await VerifyAsync(presented));
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "forge" });
        var real = (string)created["key"]!;
        var flipped = real[..20] + (real[20] == 'a' ? 'b' : 'a') + real[21..];
        Assert.Null(await VerifyAsync(flipped));
    }
}
