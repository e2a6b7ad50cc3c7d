using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Budgets;

/// <summary>
/// Hard spend budgets across two node processes: 20 concurrent long prompts round-robin over the nodes, then a
/// sequential wave, never spend more than the budget by the ledger; with Redis stopped a <c>closed</c> budget answers
/// 503 and serves again once Redis is back; a Redis restarted empty starts the counter from the ledger's spend, and
/// a flushed Redis starts a key's counter from that key's spend.
/// </summary>
public sealed class BudgetTopologyTests(BudgetTopologyFixture fixture, ITestOutputHelper output) : IClassFixture<BudgetTopologyFixture>, IAsyncLifetime
{
    /// <summary>What the upstream reports for every answer; the gateway's worst case is above both (a 1000-word prompt and max_tokens 200).</summary>
    private const int PromptTokens = 1000, CompletionTokens = 200;

    /// <summary>Per million tokens, input and output alike: an answer costs (1000 + 200) x 100 / 10^6 = 0.12.</summary>
    private const decimal Price = 100m, AnswerCost = 0.12m;

    private static readonly string LongPrompt = string.Join(' ', Enumerable.Repeat("word", PromptTokens));

    private readonly List<RecordingUpstream> _upstreams = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var upstream in _upstreams)
        {
            await upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwentyConcurrentLongPromptsOverTwoNodeProcesses_NeverSpendMoreThanTheBudget()
    {
        const decimal budget = 1.00m;
        var (tenant, upstream) = await TenantWithBudgetAsync(new { tenantMonthly = budget });
        var clients = new[] { fixture.Topology.Client(0), fixture.Topology.Client(1) };
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SendAsync(clients[i % 2], tenant)));

        // A second, sequential wave spends what settling gave back, up to the budget and no further.
        var late = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            late.Add(await SendAsync(clients[i % 2], tenant));
        }

        var all = responses.Concat(late).ToList();
        var admitted = all.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = all.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(all.Count, admitted + refused.Count);
        Assert.NotEmpty(refused);
        var problem = JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!;
        Assert.Equal("urn:igw:problem:budget-exceeded", (string)problem["type"]!);
        Assert.Equal(admitted, upstream.Requests.Count(r => r.PathAndQuery == "/v1/chat/completions"));

        // The ledger, at the plan's prices, is the truth: the budget API's spend never goes past the budget.
        var spent = admitted * AnswerCost;
        JsonNode status = null!;
        await Wait.UntilAsync(async () =>
        {
            status = await BudgetStatusAsync(tenant);
            return (decimal)status["monthly"]!["spent"]! == spent;
        }, $"the budget status to show {spent} spent", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);
        output.WriteLine($"budget={budget} spent={spent} admitted={admitted} refused={refused.Count} remaining={(decimal)status["monthly"]!["remaining"]!}");
        Assert.True(spent <= budget, $"spent {spent} > budget {budget}");
        Assert.True(admitted >= 4, $"only {admitted} admitted: settling must give back what the worst case over-reserved");
        Assert.Equal(budget - spent, (decimal)status["monthly"]!["remaining"]!);
    }

    [Fact]
    public async Task RedisStopped_AClosedBudgetAnswers503BudgetUnavailable_OnEveryNode_AndServesWhenRedisIsBack()
    {
        var (tenant, upstream) = await TenantWithBudgetAsync(new { tenantMonthly = 1000m, whenRedisDown = "closed" });
        var clients = new[] { fixture.Topology.Client(0), fixture.Topology.Client(1) };
        foreach (var client in clients)
        {
            await Wait.UntilAsync(async () => (await SendAsync(client, tenant)).StatusCode == HttpStatusCode.OK, "the budget served with Redis up", TimeSpan.FromSeconds(30));
        }

        await fixture.Redis.StopAsync();
        try
        {
            foreach (var client in clients)
            {
                await Wait.UntilAsync(async () => (await SendAsync(client, tenant)).StatusCode == HttpStatusCode.ServiceUnavailable,
                    "every node to notice Redis is gone", TimeSpan.FromSeconds(30));
            }

            var before = upstream.Requests.Count;
            var down = new List<HttpResponseMessage>();
            foreach (var client in clients)
            {
                for (var i = 0; i < 5; i++)
                {
                    down.Add(await SendAsync(client, tenant));
                }
            }

            output.WriteLine($"Redis down: {down.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable)} of {down.Count} answered 503");
            Assert.All(down, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
            var problem = JsonNode.Parse(await down[0].Content.ReadAsStringAsync())!;
            Assert.Equal("urn:igw:problem:budget-unavailable", (string)problem["type"]!);
            Assert.Equal(before, upstream.Requests.Count);
        }
        finally
        {
            await fixture.Redis.StartAsync();
        }

        foreach (var client in clients)
        {
            await Wait.UntilAsync(async () => (await SendAsync(client, tenant)).StatusCode == HttpStatusCode.OK,
                "every node to use Redis again", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);
        }
    }

    [Fact]
    public async Task RedisRestartedEmpty_MidMonth_TheSpendDoesNotReset_TheLedgerSeedsTheCounter()
    {
        const decimal budget = 1.00m;
        var (tenant, upstream) = await TenantWithBudgetAsync(new { tenantMonthly = budget });
        var clients = new[] { fixture.Topology.Client(0), fixture.Topology.Client(1) };
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(clients[i % 2], tenant)).StatusCode);
        }

        var before = 4 * AnswerCost;
        await Wait.UntilAsync(async () => (decimal)(await BudgetStatusAsync(tenant))["monthly"]!["spent"]! == before,
            $"the ledger to show {before} spent", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);

        // Time for the push of that spend to reach both nodes, and for their unused slices to go back to Redis
        // (RedisBudgetStore.LeaseIdle): what Redis then forgets is exactly the spend.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await fixture.Redis.StopAsync();
        await fixture.Redis.StartAsync();

        // An empty Redis: without the ledger's seed the counter would start from zero and admit another 1.00.
        var after = new List<HttpStatusCode>();
        foreach (var client in clients)
        {
            await Wait.UntilAsync(async () => (await SendAsync(client, tenant)).StatusCode != HttpStatusCode.ServiceUnavailable,
                "the node to use the restarted Redis", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);
        }

        for (var i = 0; i < 10; i++)
        {
            after.Add((await SendAsync(clients[i % 2], tenant)).StatusCode);
        }

        var admitted = upstream.Requests.Count(r => r.PathAndQuery == "/v1/chat/completions");
        var spent = admitted * AnswerCost;
        output.WriteLine($"budget={budget} spent before the restart={before} admitted in all={admitted} spent={spent}; after the restart: {string.Join(",", after.Select(s => (int)s))}");
        Assert.All(after, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        Assert.Contains(HttpStatusCode.TooManyRequests, after);
        Assert.True(spent <= budget, $"spent {spent} > budget {budget}: the restarted Redis granted a fresh budget");
        Assert.True(admitted > 4, "the budget's remainder is still spendable after the restart");
    }

    [Fact]
    public async Task RedisFlushed_MidMonth_AKeysSpendDoesNotReset_TheLedgerSeedsTheKeyCounter()
    {
        // A per-key budget only: no tenant counter holds the spend, the key's own counters must.
        const decimal budget = 1.00m;
        var (tenant, upstream) = await TenantWithBudgetAsync(new { keyMonthly = budget });
        var clients = new[] { fixture.Topology.Client(0), fixture.Topology.Client(1) };
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(clients[i % 2], tenant)).StatusCode);
        }

        var before = 4 * AnswerCost;
        await Wait.UntilAsync(async () => KeySpent(await BudgetStatusAsync(tenant)) == before,
            $"the ledger to show {before} spent by the key", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);

        // Time for the push of that spend to reach both nodes and for their unused slices to go back to Redis
        // (RedisBudgetStore.LeaseIdle); then the test's own Redis forgets everything while it keeps running.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await fixture.Redis.FlushAllAsync();

        var after = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            after.Add(await SendAsync(clients[i % 2], tenant));
        }

        var admitted = upstream.Requests.Count(r => r.PathAndQuery == "/v1/chat/completions");
        var spent = admitted * AnswerCost;
        await Wait.UntilAsync(async () => KeySpent(await BudgetStatusAsync(tenant)) == spent,
            $"the ledger to show {spent} spent by the key", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);
        output.WriteLine($"key budget={budget} spent before the flush={before} admitted in all={admitted} spent={spent}; " +
            $"after FLUSHALL: {string.Join(",", after.Select(r => (int)r.StatusCode))}");
        Assert.All(after, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {r.StatusCode}"));
        var refused = after.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("urn:igw:problem:budget-exceeded", (string)problem["type"]!);
        Assert.Contains("credential's monthly", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.True(spent <= budget, $"the key spent {spent} > its budget {budget}: the flushed Redis granted a fresh budget");
        Assert.True(admitted > 4, "the key's remainder is still spendable after the flush");
    }

    private static decimal KeySpent(JsonNode status) =>
        status["credentials"]!.AsArray() is [{ } credential] ? (decimal)credential["monthly"]!["spent"]! : 0;

    private async Task<(TopologyTenant Tenant, RecordingUpstream Upstream)> TenantWithBudgetAsync(object budgets)
    {
        // One upstream per tenant: the control plane lets only one tenant use a private address and port.
        var upstream = await UpstreamAsync();
        var tenant = await fixture.Topology.CreateTenantAsync(upstream);
        using var admin = fixture.Topology.Admin();
        var planId = (string)JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}"))!["planId"]!;
        var response = await admin.PatchAsJsonAsync($"/api/v1/plans/{planId}", new
        {
            prices = new { pricePer1MInputTokens = Price, pricePer1MOutputTokens = Price },
            budgets,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        // A tenant made after the plan change answers on every node once every node has the change.
        var probe = await fixture.Topology.CreateTenantAsync(await UpstreamAsync());
        await fixture.Topology.WaitForEveryNodeAsync(probe.Path(), probe.Key, HttpStatusCode.OK, "the budget to reach every node");
        return (tenant, upstream);
    }

    private async Task<RecordingUpstream> UpstreamAsync()
    {
        var upstream = await TopologyFixture.UpstreamAsync("budget");
        upstream.Respond = async context =>
        {
            await Task.Delay(200); // long enough that the 20 requests overlap
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $"{{\"choices\":[{{\"message\":{{\"role\":\"assistant\",\"content\":\"ok\"}}}}],\"usage\":{{\"prompt_tokens\":{PromptTokens},\"completion_tokens\":{CompletionTokens},\"total_tokens\":{PromptTokens + CompletionTokens}}}}}");
        };
        _upstreams.Add(upstream);
        return upstream;
    }

    private async Task<JsonNode> BudgetStatusAsync(TopologyTenant tenant)
    {
        using var admin = fixture.Topology.Admin();
        return JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/budget"))!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, TopologyTenant tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tenant.Path("/chat/completions"))
        {
            Content = new StringContent(
                new JsonObject
                {
                    ["model"] = "chat",
                    ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = LongPrompt }),
                    ["max_tokens"] = 200,
                }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", tenant.Key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
