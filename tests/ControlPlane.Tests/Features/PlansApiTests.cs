using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features;

public sealed class PlansApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task Create_OnlyName_TakesDefaults()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new { name = "Starter" });

        Assert.Equal("Starter", (string)plan["name"]!);
        Assert.Equal(10.0, (double)plan["limits"]!["requestsPerSecondPerKey"]!);
        Assert.Equal(1048576, (long)plan["limits"]!["maxRequestBodyBytes"]!);
        Assert.Null(plan["limits"]!["monthlyRequestQuota"]);
        Assert.Null(plan["limits"]!["allowedModels"]);
        Assert.Equal("USD", (string)plan["prices"]!["currency"]!);
    }

    [Fact]
    public async Task Create_FullPlan_RoundTripsEveryValue()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new
        {
            name = "Enterprise",
            description = "For large tenants",
            limits = new
            {
                requestsPerSecondPerKey = 2.5,
                burstPerKey = 5,
                requestsPerSecondPerTenant = 100,
                burstPerTenant = 200,
                monthlyRequestQuota = 1_000_000,
                monthlyInputTokenQuota = 50_000_000,
                monthlyOutputTokenQuota = 10_000_000,
                maxRequestBodyBytes = 65536,
                allowedModels = new[] { "gpt-4.1", "llama-3-8b" },
            },
            prices = new
            {
                currency = "EUR",
                monthlyBaseFee = 499.99m,
                pricePer1KRequests = 0.002m,
                pricePer1MInputTokens = 1.25m,
                pricePer1MOutputTokens = 5.000001m,
                includedRequests = 10000,
                includedInputTokens = 1000000,
                includedOutputTokens = 0,
            },
        });

        var read = await _admin.GetJsonAsync($"/api/v1/plans/{plan.Id()}");
        Assert.Equal(2.5, (double)read["limits"]!["requestsPerSecondPerKey"]!);
        Assert.Equal(1_000_000, (long)read["limits"]!["monthlyRequestQuota"]!);
        Assert.Equal(["gpt-4.1", "llama-3-8b"], read["limits"]!["allowedModels"]!.AsArray().Select(m => (string)m!));
        Assert.Equal("EUR", (string)read["prices"]!["currency"]!);
        Assert.Equal(499.99m, (decimal)read["prices"]!["monthlyBaseFee"]!);
        Assert.Equal(5.000001m, (decimal)read["prices"]!["pricePer1MOutputTokens"]!);
        Assert.Equal("For large tenants", (string)read["description"]!);
    }

    [Fact]
    public async Task Create_EveryValueInvalid_ReturnsEveryError()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/plans", new
        {
            name = "",
            limits = new { requestsPerSecondPerKey = 0.0000001, burstPerKey = 0, requestsPerSecondPerTenant = -1, burstPerTenant = 2_000_000, monthlyRequestQuota = -5, maxRequestBodyBytes = 0, allowedModels = new[] { "Bad Model", "ok", "ok" } },
            prices = new { currency = "usd", monthlyBaseFee = -1, pricePer1KRequests = 0.0000001m, includedRequests = -1 },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        foreach (var field in new[]
        {
            "name", "limits.requestsPerSecondPerKey", "limits.burstPerKey", "limits.requestsPerSecondPerTenant", "limits.burstPerTenant",
            "limits.monthlyRequestQuota", "limits.maxRequestBodyBytes", "limits.allowedModels", "prices.currency", "prices.monthlyBaseFee",
            "prices.pricePer1KRequests", "prices.includedRequests",
        })
        {
            Assert.True(problem.Errors(field).Count > 0, $"no error for {field}: {problem}");
        }

        Assert.Equal(2, problem.Errors("limits.allowedModels").Count);
    }

    [Fact]
    public async Task Create_NoName_Returns400()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/plans", new { limits = new { burstPerKey = 3 } });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("name"));
    }

    [Fact]
    public async Task Patch_SomeFields_ChangesOnlyThoseAndNullMeansUnlimited()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new { name = "Patchable", limits = new { monthlyRequestQuota = 100, burstPerKey = 7 } });

        var patched = await _admin.PatchAsync($"/api/v1/plans/{plan.Id()}", new { limits = new { monthlyRequestQuota = (long?)null }, prices = new { monthlyBaseFee = 10 } });

        Assert.Null(patched["limits"]!["monthlyRequestQuota"]);
        Assert.Equal(7, (int)patched["limits"]!["burstPerKey"]!);
        Assert.Equal(10m, (decimal)patched["prices"]!["monthlyBaseFee"]!);
        Assert.Equal("Patchable", (string)patched["name"]!);
    }

    [Fact]
    public async Task Patch_InvalidValue_Returns400AndChangesNothing()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new { name = "Stable", limits = new { burstPerKey = 7 } });

        var response = await _admin.PatchAsJsonAsync($"/api/v1/plans/{plan.Id()}", new { name = "Renamed", limits = new { burstPerKey = -1 } });

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        var read = await _admin.GetJsonAsync($"/api/v1/plans/{plan.Id()}");
        Assert.Equal("Stable", (string)read["name"]!);
        Assert.Equal(7, (int)read["limits"]!["burstPerKey"]!);
    }

    [Fact]
    public async Task Patch_NullForARequiredNumber_Returns400()
    {
        var plan = await _admin.PostOkAsync("/api/v1/plans", new { name = "Nulls" });
        var response = await _admin.PatchAsync($"/api/v1/plans/{plan.Id()}", Api.Json("{\"limits\":{\"burstPerKey\":null}}"));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DuplicateName_OnCreateAndOnRename_Returns409()
    {
        await _admin.PostOkAsync("/api/v1/plans", new { name = "Taken" });
        var other = await _admin.PostOkAsync("/api/v1/plans", new { name = "Other" });

        await (await _admin.PostAsJsonAsync("/api/v1/plans", new { name = "Taken" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PatchAsJsonAsync($"/api/v1/plans/{other.Id()}", new { name = "Taken" })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task GetAndPatch_UnknownId_Return404()
    {
        await (await _admin.GetAsync($"/api/v1/plans/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PatchAsJsonAsync($"/api/v1/plans/{Guid.NewGuid()}", new { name = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.GetAsync("/api/v1/plans/not-a-guid")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
