using System.Collections.Frozen;
using System.Text;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.DataPlane.Rules;
using InferenceGateway.DataPlane.Tests.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Tests.Rules;

/// <summary>The node-wide budget of buffered request bytes: 503 with Retry-After beyond it, and every byte given back.</summary>
public sealed class BufferBudgetTests
{
    [Fact]
    public async Task ABodyBeyondTheNodesBudget_Gets503WithRetryAfter_AndNeverReachesTheNextStep()
    {
        var budget = new BufferBudget(Options.Create(new DataPlaneOptions { Limits = new NodeLimitsOptions { BufferedRequestBytes = 256 * 1024 } }));
        Assert.True(budget.TryReserve(200 * 1024)); // other requests hold most of it
        var reached = false;
        var middleware = new RequestBodyMiddleware(_ => { reached = true; return Task.CompletedTask; }, budget);
        var context = Context(new string('x', 150 * 1024));

        await middleware.InvokeAsync(context);

        Assert.False(reached);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Contains(GatewayProblem.BufferBudgetType, Body(context));
        Assert.Equal(200 * 1024, budget.Used);
    }

    [Fact]
    public async Task ABodyWithinTheBudget_IsForwarded_AndItsBytesAreGivenBack()
    {
        var budget = new BufferBudget(Options.Create(new DataPlaneOptions()));
        string? seen = null;
        var middleware = new RequestBodyMiddleware(async c => seen = await new StreamReader(c.Request.Body).ReadToEndAsync(), budget);
        var body = new string('y', 300 * 1024);

        await middleware.InvokeAsync(Context(body));

        Assert.Equal(body, seen);
        Assert.Equal(0, budget.Used);
    }

    private static DefaultHttpContext Context(string body)
    {
        var plan = new PlanEntry(SnapshotFactory.Plan() with { MaxRequestBodyBytes = 1024 * 1024 });
        var tenant = new TenantEntry(new TenantSnapshot { TenantId = Guid.NewGuid(), Slug = "acme", Status = TenantState.Active, PlanId = plan.Id }, plan, FrozenDictionary<string, RouteEntry>.Empty);
        var context = new DefaultHttpContext();
        context.Features.Set(new GatewayRequest { RequestId = "r1", StartTimestamp = 0, Tenant = tenant });
        context.Request.Method = "POST";
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }
}
