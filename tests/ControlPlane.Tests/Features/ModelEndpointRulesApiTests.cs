using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>Image rules and output hardening as part of the model-endpoint resource: defaults, validation, audit, the snapshot.</summary>
public sealed class ModelEndpointRulesApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Create_WithRules_ReturnsDefaultsAuditsAndCompilesThemIntoTheRoute()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "vision",
            baseUrl = "https://api.example.com",
            imageRules = new { jsonPaths = new[] { "image" } },
            outputHardening = new { scoresPath = "scores", topK = 1, scoreDecimals = 2 },
        });

        var rules = created["imageRules"]!;
        Assert.Equal(new[] { "png", "jpeg" }, rules["allowedTypes"]!.AsArray().Select(t => (string)t!));
        Assert.Equal((4 * 1024 * 1024, 4096, 4096, 4096L * 4096, 1), ((int)rules["maxEncodedBytes"]!, (int)rules["maxWidth"]!, (int)rules["maxHeight"]!, (long)rules["maxPixels"]!, (int)rules["maxImages"]!));
        Assert.Equal(1024 * 1024, (int)created["outputHardening"]!["maxResponseBytes"]!);
        Assert.Equal("score", (string)created["outputHardening"]!["scoreField"]!);
        var audit = await _admin.GetJsonAsync($"/api/v1/tenants/{tenantId}/audit?action=endpoint.created");
        var summary = (string)audit["items"]![0]!["summary"]!;
        Assert.Contains("image rules (png/jpeg", summary);
        Assert.Contains("output hardening (top 1, 2 decimals)", summary);

        var route = (await CompileAsync()).Snapshot.Routes.Single(r => r.EndpointId == Guid.Parse(created.Id()));
        Assert.Equal(["image"], route.ImageRules!.JsonPaths!);
        Assert.Equal(1, route.OutputHardening!.TopK);
    }

    [Fact]
    public async Task Create_InvalidRules_ReportsEveryErrorAndStoresNothing()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "vision",
            baseUrl = "https://api.example.com",
            imageRules = new { allowedTypes = new[] { "png", "bmp" }, maxEncodedBytes = 0, maxPixels = -1, jsonPaths = new[] { "$.image" } },
            outputHardening = new { topK = 5 },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("imageRules.allowedTypes"));
        Assert.NotEmpty(problem.Errors("imageRules.maxEncodedBytes"));
        Assert.NotEmpty(problem.Errors("imageRules.maxPixels"));
        Assert.NotEmpty(problem.Errors("imageRules.jsonPaths"));
        Assert.NotEmpty(problem.Errors("outputHardening.scoresPath"));
        Assert.False(await app.WithDbAsync(db => db.ModelEndpoints.AnyAsync(e => e.TenantId == Guid.Parse(tenantId))));
    }

    [Fact]
    public async Task Patch_NullRemovesTheRules_AndAnUnreadableStoredRuleLeavesTheEndpointOut()
    {
        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "vision", baseUrl = "https://api.example.com", imageRules = new { }, outputHardening = new { removeFields = new[] { "logits" } },
        });

        var patched = await _admin.PatchAsync($"/api/v1/tenants/{tenantId}/endpoints/{created.Id()}", new { imageRules = (object?)null });

        Assert.Null(patched["imageRules"]);
        Assert.Equal("logits", (string)patched["outputHardening"]!["removeFields"]![0]!);

        await app.WithDbAsync(db => db.ModelEndpoints.Where(e => e.Id == Guid.Parse(created.Id()))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.OutputHardening, """{"topK":0,"maxResponseBytes":1}""")));
        var compiled = await CompileAsync();
        Assert.DoesNotContain(compiled.Snapshot.Routes, r => r.EndpointId == Guid.Parse(created.Id()));
        Assert.Contains(compiled.Problems, p => p.Contains(created.Id()) && p.Contains("outputHardening.topK"));
    }

    private async Task<CompileResult> CompileAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConfigCompiler>().CompileAsync(CancellationToken.None);
    }
}
