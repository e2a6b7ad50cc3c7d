using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>The resource bounds a plan carries: in-flight limits, and a body limit under the operator's ceiling.</summary>
public sealed class PlanBoundsTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task ANewPlan_HasInFlightLimitsByDefault()
    {
        var plan = await _admin.CreatePlanAsync();

        Assert.Equal(32, (int)plan["limits"]!["maxConcurrentRequestsPerKey"]!);
        Assert.Equal(128, (int)plan["limits"]!["maxConcurrentRequestsPerTenant"]!);
    }

    [Fact]
    public async Task ABodyLimitAboveTheDefaultCeiling_OrAnInFlightLimitOfZero_IsRefused()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/plans", new
        {
            name = $"big-{Guid.NewGuid():N}",
            limits = new { maxRequestBodyBytes = 1L << 30, maxConcurrentRequestsPerKey = 0, maxConcurrentRequestsPerTenant = 0 },
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("33554432", string.Join(" ", problem.Errors("limits.maxRequestBodyBytes")));
        Assert.NotEmpty(problem.Errors("limits.maxConcurrentRequestsPerKey"));
        Assert.NotEmpty(problem.Errors("limits.maxConcurrentRequestsPerTenant"));
    }

    [Fact]
    public async Task ABodyLimitAtTheCeiling_IsAccepted()
    {
        var plan = await _admin.CreatePlanAsync(new { maxRequestBodyBytes = 32L * 1024 * 1024, maxConcurrentRequestsPerKey = 5 });

        Assert.Equal(32L * 1024 * 1024, (long)plan["limits"]!["maxRequestBodyBytes"]!);
        Assert.Equal(5, (int)plan["limits"]!["maxConcurrentRequestsPerKey"]!);
    }
}
