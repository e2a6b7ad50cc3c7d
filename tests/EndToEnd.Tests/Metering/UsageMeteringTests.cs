using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Usage;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Metering;

/// <summary>Requests through a node end in the control plane's usage ledger, with the tokens the model reported (or estimated).</summary>
[Collection(NodeCollection.Name)]
public sealed class UsageMeteringTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("usage");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private const string ChatRequest = """{"model":"chat","messages":[{"role":"user","content":"How many tokens is this prompt?"}]}""";

    [Fact]
    public async Task JsonAnswerWithUsage_LedgerHoldsTheReportedTokensInEveryGranularity()
    {
        _upstream.Respond = c => Json(c, """{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}""");
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = cluster.Client(0, tenant.Key);
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsync(tenant.Path(), Body(ChatRequest));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var rows = await LedgerAsync(tenant, r => r.Requests2xx == 3);
        foreach (var granularity in new[] { UsageGranularity.Minute, UsageGranularity.Hour, UsageGranularity.Day })
        {
            var row = Assert.Single(rows, r => r.Granularity == granularity);
            Assert.Equal((3, 0L, 33L, 21L, 0L, 0L, 0L), (row.Requests2xx, row.Requests5xx, row.InputTokens, row.OutputTokens, row.EstimatedInputTokens, row.EstimatedOutputTokens, row.MalformedUsage));
            Assert.Equal(tenant.KeyId, row.CredentialId);
            Assert.Equal(UsageCredentialKind.ApiKey, row.CredentialKind);
            Assert.Equal("chat", row.Model);
            Assert.Equal(3 * Encoding.UTF8.GetByteCount(ChatRequest), row.BytesIn);
            Assert.True(row.BytesOut > 0);
            Assert.Equal(3, row.LatencyUpTo25Ms + row.LatencyUpTo50Ms + row.LatencyUpTo100Ms + row.LatencyUpTo250Ms + row.LatencyUpTo500Ms + row.LatencyUpTo1s
                + row.LatencyUpTo2500Ms + row.LatencyUpTo5s + row.LatencyUpTo10s + row.LatencyUpTo30s + row.LatencyUpTo60s + row.LatencyOver60s);
        }
    }

    [Fact]
    public async Task StreamWithoutIncludeUsage_NodeAsksForUsageAndHidesItsEventFromTheClient()
    {
        _upstream.Respond = StreamWithUsage;
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = cluster.Client(0, tenant.Key);

        var response = await client.PostAsync(tenant.Path(), Body("""{"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(_upstream.Requests.Last().Body)!;
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
        Assert.Contains("\"content\":\"Hel\"", text);
        Assert.Contains("data: [DONE]", text);
        Assert.DoesNotContain("prompt_tokens", text);
        var row = Assert.Single(await LedgerAsync(tenant, r => r.Requests2xx == 1), r => r.Granularity == UsageGranularity.Minute);
        Assert.Equal((5L, 2L, 0L), (row.InputTokens, row.OutputTokens, row.EstimatedInputTokens + row.EstimatedOutputTokens));
    }

    [Fact]
    public async Task StreamWithIncludeUsage_ClientKeepsTheUsageEvent()
    {
        _upstream.Respond = StreamWithUsage;
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = cluster.Client(0, tenant.Key);

        var response = await client.PostAsync(tenant.Path(), Body("""{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"prompt_tokens\":5", text);
        var row = Assert.Single(await LedgerAsync(tenant, r => r.Requests2xx == 1), r => r.Granularity == UsageGranularity.Minute);
        Assert.Equal((5L, 2L), (row.InputTokens, row.OutputTokens));
    }

    [Theory]
    [InlineData("""{"prompt_tokens":-4,"completion_tokens":7}""")]
    [InlineData("""{"prompt_tokens":1e30,"completion_tokens":7}""")]
    [InlineData("""{"prompt_tokens":"11","completion_tokens":7}""")]
    [InlineData("""{"prompt_tokens":99999999999999,"completion_tokens":7}""")]
    public async Task UntrustedUsage_IsIgnoredCountedAsMalformedAndTokensEstimated(string usage)
    {
        _upstream.Respond = c => Json(c, $$$"""{"choices":[{"index":0,"message":{"role":"assistant","content":"a reply of a few tokens"}}],"usage":{{{usage}}}}""");
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var response = await cluster.Client(0, tenant.Key).PostAsync(tenant.Path(), Body(ChatRequest));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var row = Assert.Single(await LedgerAsync(tenant, r => r.Requests2xx == 1), r => r.Granularity == UsageGranularity.Minute);
        Assert.Equal(1, row.MalformedUsage);
        Assert.True(row.EstimatedInputTokens is > 0 and < 50, $"estimated input {row.EstimatedInputTokens}");
        Assert.True(row.EstimatedOutputTokens is > 0 and < 20, $"estimated output {row.EstimatedOutputTokens}");
        Assert.Equal((row.EstimatedInputTokens, row.EstimatedOutputTokens), (row.InputTokens, row.OutputTokens));
    }

    [Fact]
    public async Task AnswerWithoutUsage_TokensAreEstimatedAndMarkedSo()
    {
        _upstream.Respond = c => Json(c, """{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"}}]}""");
        var tenant = await cluster.CreateTenantAsync(_upstream);
        await cluster.Client(0, tenant.Key).PostAsync(tenant.Path(), Body(ChatRequest));

        var row = Assert.Single(await LedgerAsync(tenant, r => r.Requests2xx == 1), r => r.Granularity == UsageGranularity.Minute);
        Assert.Equal(0, row.MalformedUsage);
        Assert.Equal(2, row.EstimatedOutputTokens); // "Hello there" is two cl100k tokens
        Assert.Equal(row.EstimatedOutputTokens, row.OutputTokens);
        Assert.True(row.EstimatedInputTokens > 0);
    }

    [Fact]
    public async Task UpstreamErrorsAndNonModelRequests_AreMeteredByStatusClass()
    {
        _upstream.Respond = c =>
        {
            c.Response.StatusCode = c.Request.Path.Value!.EndsWith("/fail", StringComparison.Ordinal) ? 500 : 404;
            return c.Response.WriteAsync("{}");
        };
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = cluster.Client(0, tenant.Key);
        await client.GetAsync(tenant.Path("/models/missing"));
        await client.GetAsync(tenant.Path("/fail"));

        var row = Assert.Single(await LedgerAsync(tenant, r => r.Requests4xx == 1 && r.Requests5xx == 1), r => r.Granularity == UsageGranularity.Day);
        Assert.Equal((0L, 0L, 0L), (row.Requests2xx, row.InputTokens, row.OutputTokens));
    }

    [Fact]
    public async Task SameBatchTwice_IsAppliedOnce()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var batch = new UsageReported
        {
            BatchId = Guid.CreateVersion7(),
            NodeId = "replayer",
            CreatedAt = DateTimeOffset.UtcNow,
            Cells =
            [
                new UsageCell
                {
                    TenantId = Guid.Parse(tenant.TenantId), CredentialId = tenant.KeyId, CredentialKind = "api-key", Model = "chat",
                    Minute = new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero), Requests2xx = 4, InputTokens = 40, OutputTokens = 8,
                    LatencyBuckets = [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                },
            ],
        };

        var applied = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
            applied.Add(await scope.ServiceProvider.GetRequiredService<UsageLedger>().ApplyAsync(batch, CancellationToken.None));
        }

        Assert.Equal([true, false, false], applied);
        var rows = await LedgerAsync(tenant, _ => true);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal((4L, 40L, 8L), (r.Requests2xx, r.InputTokens, r.OutputTokens)));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), rows.Single(r => r.Granularity == UsageGranularity.Day).BucketStart);
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task Json(HttpContext context, string body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    /// <summary>Three content chunks, then, when asked, OpenAI's usage chunk (no choices), then [DONE].</summary>
    private async Task StreamWithUsage(HttpContext context)
    {
        // The recording upstream has read the body already: the request it recorded last is this one.
        var asked = JsonNode.Parse(_upstream.Requests.Last().Body)?["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        context.Response.ContentType = "text/event-stream";
        foreach (var piece in new[] { "Hel", "lo" })
        {
            await context.Response.WriteAsync($"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{piece}\"}}}}],\"usage\":null}}\n\n");
            await context.Response.Body.FlushAsync();
        }

        if (asked)
        {
            await context.Response.WriteAsync("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n");
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private async Task<List<UsageAggregate>> LedgerAsync(TenantSetup tenant, Func<UsageAggregate, bool> done)
    {
        var tenantId = Guid.Parse(tenant.TenantId);
        List<UsageAggregate> rows = [];
        await GatewayCluster.WaitUntilAsync(async () =>
        {
            await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
            rows = await scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>().UsageAggregates.AsNoTracking()
                .Where(a => a.TenantId == tenantId).ToListAsync();
            return rows.Count > 0 && rows.All(done);
        }, "the ledger to hold the requests");
        return rows;
    }
}
