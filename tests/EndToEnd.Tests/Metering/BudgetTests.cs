using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InferenceGateway.EndToEnd.Tests.Metering;

/// <summary>Two nodes sharing budget counters in the Redis at 6379, each cluster under its own key prefix.</summary>
public sealed class BudgetCluster : GatewayCluster
{
    public BudgetCluster()
        : base(2)
    {
    }

    public override IReadOnlyDictionary<string, string> ExtraNodeSettings { get; } = new Dictionary<string, string>
    {
        ["DataPlane:Redis:ConnectionString"] = "127.0.0.1:6379",
        ["DataPlane:Redis:KeyPrefix"] = $"igw-test-{Guid.NewGuid():N}:",
    };
}

/// <summary>Hard spend budgets reserved at the worst case and settled to the real cost, across two nodes; shadow mode; streams cut at the budget.</summary>
public sealed class BudgetTests(BudgetCluster cluster, ITestOutputHelper output) : IClassFixture<BudgetCluster>, IAsyncLifetime
{
    /// <summary>What the upstream reports for every answer; the gateway's worst case is above both (a 1000-word prompt and max_tokens 200).</summary>
    private const int PromptTokens = 1000, CompletionTokens = 200;

    /// <summary>Per million tokens, input and output alike: an answer costs (1000 + 200) x 100 / 10^6 = 0.12.</summary>
    private const decimal Price = 100m, AnswerCost = 0.12m;

    private static readonly string LongPrompt = string.Join(' ', Enumerable.Repeat("word", PromptTokens));

    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync("budget");
        _upstream.Respond = async context =>
        {
            await Task.Delay(200); // long enough that the 20 requests overlap
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $"{{\"choices\":[{{\"message\":{{\"role\":\"assistant\",\"content\":\"ok\"}}}}],\"usage\":{{\"prompt_tokens\":{PromptTokens},\"completion_tokens\":{CompletionTokens},\"total_tokens\":{PromptTokens + CompletionTokens}}}}}");
        };
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task TwentyConcurrentLongPromptsOverTwoNodes_NeverSpendMoreThanTheBudget()
    {
        const decimal budget = 1.00m;
        var tenant = await TenantWithBudgetAsync(new { tenantMonthly = budget });
        var clients = new[] { cluster.Client(0, tenant.Key), cluster.Client(1, tenant.Key) };
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => clients[i % 2].PostAsync(tenant.Path(), Chat(maxTokens: 200))));

        // A second, sequential wave spends what settling gave back, up to the budget and no further.
        var late = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            late.Add(await clients[i % 2].PostAsync(tenant.Path(), Chat(maxTokens: 200)));
        }

        var all = responses.Concat(late).ToList();
        var admitted = all.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = all.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(all.Count, admitted + refused.Count);
        Assert.NotEmpty(refused);
        Assert.Equal("false", refused[0].Headers.GetValues("x-should-retry").Single());
        var problem = JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!;
        Assert.Equal("urn:igw:problem:budget-exceeded", (string)problem["type"]!);
        Assert.Contains("tenant's monthly spend budget", (string)problem["detail"]!);
        Assert.Equal(admitted, _upstream.Requests.Count(r => r.PathAndQuery == "/v1/chat/completions"));

        // The ledger, at the plan's prices, is the truth: it never goes past the budget.
        var spent = admitted * AnswerCost;
        JsonNode status = null!;
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            status = JsonNode.Parse(await cluster.Admin().GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/budget"))!;
            return (decimal)status["monthly"]!["spent"]! == spent;
        }, $"the budget status to show {spent} spent");
        output.WriteLine($"budget={budget} spent={spent} admitted={admitted} refused={refused.Count} remaining={(decimal)status["monthly"]!["remaining"]!}");
        Assert.True(spent <= budget, $"spent {spent} > budget {budget}");
        Assert.Equal(budget - spent, (decimal)status["monthly"]!["remaining"]!);
    }

    [Fact]
    public async Task ShadowBudget_RefusesNothingAndCountsExactlyWhatEnforceRefused()
    {
        var enforce = await TenantWithBudgetAsync(new { tenantMonthly = 0.50m, tenantMode = "enforce" });
        var shadow = await TenantWithBudgetAsync(new { tenantMonthly = 0.50m, tenantMode = "shadow" });
        var enforced = await SendAsync(enforce, 9);
        var shadowed = await SendAsync(shadow, 9);

        var refusedByEnforce = enforced.Count(s => s == HttpStatusCode.TooManyRequests);
        Assert.Equal(5, refusedByEnforce); // 0.12 real, 0.1294 worst case: four fit in 0.50
        Assert.All(shadowed, s => Assert.Equal(HttpStatusCode.OK, s));
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            var status = JsonNode.Parse(await cluster.Admin().GetStringAsync($"/api/v1/tenants/{shadow.TenantId}/budget"))!;
            return (long)status["wouldHaveBeenLimited"]! == refusedByEnforce && (decimal)status["monthly"]!["spent"]! == 9 * AnswerCost;
        }, $"the shadow tenant's status to count {refusedByEnforce} requests that would have been limited");
        var usage = JsonNode.Parse(await cluster.Admin().GetStringAsync($"/api/v1/tenants/{shadow.TenantId}/usage?granularity=day"))!;
        Assert.Equal(refusedByEnforce, ((JsonArray)usage["rows"]!).Sum(r => (long)r!["budgetWouldLimit"]!));
        Assert.Equal("shadow", (string)JsonNode.Parse(await cluster.Admin().GetStringAsync($"/api/v1/tenants/{shadow.TenantId}/budget"))!["tenantMode"]!);

        // The access log marks each of them.
        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(
            cluster.Nodes.Sum(n => File.Exists(n.AccessLogFile) ? ReadShared(n.AccessLogFile).Split('\n').Count(l => l.Contains(shadow.Slug) && l.Contains("\"wouldHaveBeenLimitedBy\":\"tenant-monthly-budget\"")) : 0) == refusedByEnforce),
            "the access log to mark the shadowed requests");
    }

    [Fact]
    public async Task StreamPastWhatTheBudgetReserved_EndsWithAnSseErrorEvent()
    {
        var tenant = await TenantWithBudgetAsync(new { tenantMonthly = 10m });
        using var upstream = new StreamingUpstream(_upstream, events: 40);
        var response = await cluster.Client(0, tenant.Key).PostAsync(tenant.Path(), Chat(maxTokens: 5, stream: true, prompt: "hello"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deltas = body.Split("\n\n").Count(e => e.Contains("\"content\":\" word\""));
        Assert.InRange(deltas, 1, 5);
        Assert.Contains("event: error\ndata: {\"error\":{\"type\":\"budget_exceeded\"", body);
        Assert.EndsWith("\n\n", body);
    }

    [Fact]
    public async Task PlanWithANegativeBudgetOrAnUnknownMode_Is400AndChangesNothing()
    {
        var tenant = await TenantWithBudgetAsync(new { tenantMonthly = 2m });
        var response = await cluster.Admin().PatchAsJsonAsync($"/api/v1/plans/{tenant.PlanId}", new { budgets = new { tenantMonthly = -1m, keyMode = "sometimes" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var bad = await cluster.Admin().PatchAsJsonAsync($"/api/v1/plans/{tenant.PlanId}", new { budgets = new { tenantMonthly = -1m, tenantDaily = 5m } });
        var errors = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!;
        Assert.NotNull(errors["budgets.tenantMonthly"]);
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        var plan = await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().Plans.AsNoTracking().SingleAsync(p => p.Id == Guid.Parse(tenant.PlanId));
        Assert.Equal(2m, plan.BudgetTenantMonthly);
    }

    private async Task<TenantSetup> TenantWithBudgetAsync(object budgets)
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var response = await cluster.Admin().PatchAsJsonAsync($"/api/v1/plans/{tenant.PlanId}", new
        {
            prices = new { pricePer1MInputTokens = Price, pricePer1MOutputTokens = Price },
            budgets,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await cluster.SyncAsync();
        return tenant;
    }

    private async Task<List<HttpStatusCode>> SendAsync(TenantSetup tenant, int count)
    {
        var client = cluster.Client(0, tenant.Key);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await client.PostAsync(tenant.Path(), Chat(maxTokens: 200))).StatusCode);
        }

        return statuses;
    }

    private static StringContent Chat(int maxTokens, bool stream = false, string? prompt = null) => new(
        new JsonObject
        {
            ["model"] = "chat",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt ?? LongPrompt }),
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
        }.ToJsonString(), Encoding.UTF8, "application/json");

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>Makes the upstream stream one-token deltas for as long as the scope lasts.</summary>
    private sealed class StreamingUpstream : IDisposable
    {
        private readonly RecordingUpstream _upstream;
        private readonly Func<HttpContext, Task>? _previous;

        public StreamingUpstream(RecordingUpstream upstream, int events)
        {
            _upstream = upstream;
            _previous = upstream.Respond;
            upstream.Respond = async context =>
            {
                context.Response.ContentType = "text/event-stream";
                for (var i = 0; i < events; i++)
                {
                    await context.Response.WriteAsync("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"}}]}\n\n");
                    await context.Response.Body.FlushAsync();
                }

                await context.Response.WriteAsync("data: [DONE]\n\n");
            };
        }

        public void Dispose() => _upstream.Respond = _previous;
    }
}
