using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Features.ApiKeys;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using InferenceGateway.Security.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features;

public sealed class ApiKeyBatchApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    private static object Batch(int count, string prefix = "customer") =>
        new { keys = Enumerable.Range(0, count).Select(i => new { name = $"{prefix} {i}" }).ToArray() };

    [Fact]
    public async Task CreateBatch_1000Keys_EachSecretOnceOneRevisionOneDeltaOneAudit()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var tenant = Guid.Parse(tenantId);
        var revisionBefore = await app.WithDbAsync(db => db.ConfigState.Select(s => s.Revision).SingleAsync());

        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/api-keys:batch", Batch(1000));

        var keys = created["keys"]!.AsArray();
        Assert.Equal(1000, keys.Count);
        var secrets = keys.Select(k => (string)k!["key"]!).ToList();
        var ids = keys.Select(k => Guid.Parse((string)k!["apiKey"]!["id"]!)).ToList();
        Assert.All(secrets, s => Assert.True(ApiKeyText.IsWellFormed(s)));
        Assert.Equal(1000, secrets.Distinct().Count());
        Assert.Equal("customer 0", (string)keys[0]!["apiKey"]!["name"]!);
        Assert.Equal("customer 999", (string)keys[999]!["apiKey"]!["name"]!);

        // The database holds each key's hash, never its secret, under this tenant.
        var stored = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenant).ToDictionaryAsync(k => k.Id, k => k.SecretHash));
        Assert.Equal(1000, stored.Count);
        for (var i = 0; i < ids.Count; i += 97)
        {
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secrets[i])), stored[ids[i]]);
        }

        // One revision for the batch, whose delta adds every key.
        var revisions = await app.WithDbAsync(db => db.ConfigRevisions.AsNoTracking().Where(r => r.Revision > revisionBefore).ToListAsync());
        var revision = Assert.Single(revisions);
        var changes = ConfigPublisher.ReadChanges(revision, app.Services.GetRequiredService<IDataProtectionProvider>());
        Assert.Equal(ids.ToHashSet(), changes.Cast<ApiKeyChanged>().Select(c => c.Key.KeyId).ToHashSet());
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.TenantId == tenant && a.Action == "api_key.batch_created")));

        // No read shows a secret again.
        var list = await _admin.GetStringAsync($"/api/v1/tenants/{tenantId}/api-keys?pageSize=200");
        var audit = await _admin.GetStringAsync($"/api/v1/tenants/{tenantId}/audit");
        foreach (var secret in secrets.Take(50))
        {
            Assert.DoesNotContain(secret[^49..], list);
            Assert.DoesNotContain(secret[^49..], audit);
        }
    }

    [Fact]
    public async Task CreateBatch_1001Keys_Returns400AndCreatesNothing()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var tenant = Guid.Parse(tenantId);
        var revisionBefore = await app.WithDbAsync(db => db.ConfigState.Select(s => s.Revision).SingleAsync());

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys:batch", Batch(ApiKeyBatchApi.MaxBatchSize + 1));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1000", Assert.Single(problem.Errors("keys")));
        Assert.Equal(0, await app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.TenantId == tenant)));
        Assert.Equal(revisionBefore, await app.WithDbAsync(db => db.ConfigState.Select(s => s.Revision).SingleAsync()));
    }

    [Fact]
    public async Task CreateBatch_InvalidItems_ReturnsEveryErrorByPosition()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys:batch", new
        {
            keys = new object[] { new { name = "fine" }, new { name = "" }, new { name = "x", allowedModels = new[] { "../etc" } } },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("keys[1].name"));
        Assert.NotEmpty(problem.Errors("keys[2].allowedModels"));
        Assert.Equal(0, await app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.TenantId == Guid.Parse(tenantId))));

        var empty = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys:batch", new { keys = Array.Empty<object>() });
        Assert.NotEmpty((await empty.ProblemAsync(HttpStatusCode.BadRequest)).Errors("keys"));
    }

    [Fact]
    public async Task CreateBatch_AnotherTenantsPath_Returns404AndCreatesNothing()
    {
        var (tenantA, _) = await _admin.CreateTenantAsync();
        var (tenantB, _) = await _admin.CreateTenantAsync();
        var (_, _, adminOfA) = await app.MemberAsync(tenantA, "tenant-admin");

        var foreign = await adminOfA.PostAsJsonAsync($"/api/v1/tenants/{tenantB}/api-keys:batch", Batch(3));
        await foreign.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.TenantId == Guid.Parse(tenantB))));

        var unknown = await _admin.PostAsJsonAsync($"/api/v1/tenants/{Guid.NewGuid()}/api-keys:batch", Batch(3));
        await unknown.ProblemAsync(HttpStatusCode.NotFound);

        // Its own path works for the same caller.
        var own = await adminOfA.PostOkAsync($"/api/v1/tenants/{tenantA}/api-keys:batch", Batch(3));
        Assert.Equal(3, own["keys"]!.AsArray().Count);
    }
}
