using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>The plan's rate-limit rules: scope (node or cluster), Redis-down mode and shadow mode per rule.</summary>
public sealed class PlanRateLimitRulesTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Create_WithoutRules_NodeScopeLocalAndEnforced()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new { name = $"rules-default-{Guid.NewGuid():N}" });

        var limits = plan["limits"]!;
        Assert.Equal("node", (string)limits["rateLimitScopePerKey"]!);
        Assert.Equal("node", (string)limits["rateLimitScopePerTenant"]!);
        Assert.Equal("local", (string)limits["redisDownModePerKey"]!);
        Assert.Equal("local", (string)limits["redisDownModePerTenant"]!);
        Assert.False((bool)limits["shadowRateLimitPerKey"]!);
        Assert.False((bool)limits["shadowRateLimitPerTenant"]!);
    }

    [Fact]
    public async Task CreateAndPatch_Rules_RoundTripAndPatchChangesOnlyWhatItNames()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new
        {
            name = $"rules-{Guid.NewGuid():N}",
            limits = new { rateLimitScopePerTenant = "cluster", redisDownModePerTenant = "closed", shadowRateLimitPerKey = true },
        });

        var patched = await _admin.PatchAsync($"/api/v1/plans/{plan.Id()}", new { limits = new { rateLimitScopePerKey = "cluster", shadowRateLimitPerKey = false } });
        var read = await _admin.GetJsonAsync($"/api/v1/plans/{plan.Id()}");

        foreach (var limits in new[] { patched["limits"]!, read["limits"]! })
        {
            Assert.Equal("cluster", (string)limits["rateLimitScopePerKey"]!);
            Assert.Equal("cluster", (string)limits["rateLimitScopePerTenant"]!);
            Assert.Equal("local", (string)limits["redisDownModePerKey"]!);
            Assert.Equal("closed", (string)limits["redisDownModePerTenant"]!);
            Assert.False((bool)limits["shadowRateLimitPerKey"]!);
            Assert.False((bool)limits["shadowRateLimitPerTenant"]!);
        }
    }

    [Fact]
    public async Task Create_UndefinedRuleNumbers_Return400NamingEachField()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/plans", new
        {
            name = $"rules-bad-{Guid.NewGuid():N}",
            limits = new { rateLimitScopePerKey = 7, rateLimitScopePerTenant = 9, redisDownModePerKey = 5, redisDownModePerTenant = 6 },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "limits.rateLimitScopePerKey", "limits.rateLimitScopePerTenant", "limits.redisDownModePerKey", "limits.redisDownModePerTenant" })
        {
            Assert.NotEmpty(problem.Errors(field));
        }
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"limits\":{\"rateLimitScopePerTenant\":\"sideways\"}}")]
    [InlineData("{\"name\":\"x\",\"limits\":{\"redisDownModePerKey\":\"open\"}}")]
    [InlineData("{\"name\":\"x\",\"limits\":{\"shadowRateLimitPerKey\":\"yes\"}}")]
    [InlineData("{\"name\":\"x\",\"limits\":{\"rateLimitScopePerKey\":null}}")]
    public async Task Create_UnknownRuleValues_Return400AndCreateNothing(string body)
    {
        var before = (await _admin.GetJsonAsync("/api/v1/plans")).ToJsonString();

        var response = await _admin.PostAsync("/api/v1/plans", Api.Json(body.Replace("\"x\"", $"\"bad-{Guid.NewGuid():N}\"", StringComparison.Ordinal)));

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, (await _admin.GetJsonAsync("/api/v1/plans")).ToJsonString());
    }
}
