using System.Net.Http.Headers;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>A live key sent where it must not go (a header, the query, the body) never reaches a log or an upstream.</summary>
[Collection(NodeCollection.Name)]
public sealed class SecretCanaryTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("canary");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task CanaryKey_InHeaderQueryAndBody_NeverAppearsInLogsOrUpstreamRecordings()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var canary = tenant.Key;
        var node = cluster.NodeAddress(0);

        var inHeader = await RawHttp.GetAsync(node, tenant.Path("/models"), canary, $"X-Custom-Key: {canary}", $"X-Debug: copy of {canary}");
        var inQuery = await RawHttp.GetAsync(node, tenant.Path($"/models?api_key={canary}"), canary);
        var inQueryAnyName = await RawHttp.GetAsync(node, tenant.Path($"/models?q={canary}"), canary);
        var inPath = await RawHttp.GetAsync(node, tenant.Path($"/{canary}/models"), canary);
        var inBody = await RawHttp.SendAsync(node, $"POST {tenant.Path("/chat/completions")} HTTP/1.1\r\nAuthorization: Bearer {canary}\r\nContent-Type: application/json",
            $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"my key is {canary}\"}}]}}");
        var inBodyChunked = await cluster.Client(0, canary).PostAsync(tenant.Path("/chat/completions"),
            new StreamContent(new NonSeekable(System.Text.Encoding.UTF8.GetBytes($"{{\"api_key\":\"{canary}\"}}"))) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        var wrongTenantWithCanary = await RawHttp.GetAsync(node, "/t/someone-else/chat/models", canary);

        Assert.Equal(200, inHeader.Status);
        Assert.Equal(400, inQuery.Status);
        Assert.Equal(400, inQueryAnyName.Status);
        Assert.Equal(400, inPath.Status);
        Assert.Equal(400, inBody.Status);
        Assert.Equal(400, (int)inBodyChunked.StatusCode);
        Assert.Equal(401, wrongTenantWithCanary.Status);
        Assert.Single(_upstream.Requests, r => r.PathAndQuery == "/v1/models");

        foreach (var recorded in _upstream.Requests)
        {
            Assert.DoesNotContain(canary, recorded.Everything);
        }

        var secretPart = canary[17..^6];
        foreach (var logs in new[] { cluster.Node(0).Logs, cluster.ControlPlane!.Logs })
        {
            var leaked = logs.Lines.FirstOrDefault(l => l.Contains(secretPart, StringComparison.Ordinal));
            Assert.True(leaked is null, $"a log line holds the key: {leaked}");
        }

        Assert.Contains(cluster.Node(0).Logs.Lines, l => l.Contains(tenant.Key[4..16], StringComparison.Ordinal)); // the public id is logged

        // The access-log file has one line per request, with ids and status, and never the key.
        var requestId = inHeader.Header("X-Request-Id")!;
        string? line = null;
        await GatewayCluster.WaitUntilAsync(() =>
        {
            line = File.Exists(cluster.Node(0).AccessLogFile)
                ? File.ReadLines(cluster.Node(0).AccessLogFile).FirstOrDefault(l => l.Contains(requestId, StringComparison.Ordinal))
                : null;
            return Task.FromResult(line is not null);
        }, "the access-log line");
        var entry = System.Text.Json.Nodes.JsonNode.Parse(line!)!;
        Assert.Equal(tenant.Slug, (string)entry["tenant"]!);
        Assert.Equal(tenant.Model, (string)entry["model"]!);
        Assert.Equal(tenant.Key[4..16], (string)entry["keyId"]!);
        Assert.Equal(200, (int)entry["status"]!);
        Assert.True((double)entry["upstreamMs"]! > 0);
        Assert.DoesNotContain(secretPart, File.ReadAllText(cluster.Node(0).AccessLogFile));
        Assert.Contains(File.ReadLines(cluster.Node(0).AccessLogFile), l => l.Contains(inQuery.Header("X-Request-Id")!, StringComparison.Ordinal) && l.Contains("\"status\":400", StringComparison.Ordinal));
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
