using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>
/// Tenant A's key, every path trick at hand, aimed at tenant B's endpoint: B's upstream must never see a
/// request, and what reaches A's upstream stays on A's endpoint.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class TenantIsolationTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstreamA = null!;
    private RecordingUpstream _upstreamB = null!;

    public async Task InitializeAsync()
    {
        _upstreamA = await RecordingUpstream.StartAsync("tenant-a");
        _upstreamB = await RecordingUpstream.StartAsync("tenant-b");
    }

    public async Task DisposeAsync()
    {
        await _upstreamA.DisposeAsync();
        await _upstreamB.DisposeAsync();
    }

    public static TheoryData<string> Tricks => new()
    {
        "/t/{B}/chat/models",
        "/t/{A}/../{B}/chat/models",
        "/t/{A}/chat/../../{B}/chat/models",
        "/t/{A}/chat/..%2f..%2f{B}%2fchat%2fmodels",
        "/t/{A}/chat/%2e%2e/%2e%2e/{B}/chat/models",
        "/t/{A}/chat/%2E%2E/%2E%2E/{B}/chat/models",
        "/t/{A}/chat/%252e%252e/%252e%252e/{B}/chat/models",
        "/t/{A}/chat/..%5c..%5c{B}%5cchat",
        "/t/{A}/chat/..\\..\\{B}\\chat",
        "/t/{A}%2f..%2f{B}/chat/models",
        "/t/{A}%2F{B}/chat/models",
        "//t/{B}/chat/models",
        "/t//{B}/chat/models",
        "/T/{B}/chat/models",
        "/t/{B_UPPER}/chat/models",
        "/t/{A}/chat%00/../../{B}/chat",
        "/t/{A};x=/../{B}/chat/models",
        "/t/{B};{A}/chat/models",
        "/t/{A}/chat;/../../{B}/chat/models",
        "/t/{A}/./../{B}/chat/models",
        "http://evil.example/t/{B}/chat/models",
        "http://127.0.0.1/t/{A}/chat/../../{B}/chat/models",
        "/t/{A}/chat//t/{B}/chat/models",
    };

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task PathTrick_WithTenantAsKey_NeverReachesTenantB(string template)
    {
        var a = await cluster.CreateTenantAsync(_upstreamA);
        var b = await cluster.CreateTenantAsync(_upstreamB);
        var target = template.Replace("{A}", a.Slug).Replace("{B_UPPER}", b.Slug.ToUpperInvariant()).Replace("{B}", b.Slug);

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), target, a.Key);

        Assert.Empty(_upstreamB.Requests);
        Assert.DoesNotContain("tenant-b", response.Body);
        if (response.Status == 200)
        {
            // Allowed only when it stayed on A's endpoint, with A's credential.
            Assert.Contains("tenant-a", response.Body);
            Assert.All(_upstreamA.Requests, r => Assert.Equal("Bearer upstream-tenant-a", r.Header("Authorization")));
        }
        else if (response.Header("Content-Type") is null)
        {
            // Refused by the HTTP server itself (NUL in the target, an absolute-form target for another host).
            Assert.Equal(400, response.Status);
            Assert.Empty(response.Body);
        }
        else
        {
            Assert.Contains(response.Status, new[] { 400, 401, 404 });
            Assert.Equal("application/problem+json", response.Header("Content-Type"));
        }
    }

    [Theory]
    [InlineData("X-Original-URL")]
    [InlineData("X-Rewrite-URL")]
    [InlineData("X-Forwarded-Prefix")]
    [InlineData("X-Forwarded-Path")]
    public async Task RewriteHeaders_AreIgnoredAndNotForwarded(string header)
    {
        var a = await cluster.CreateTenantAsync(_upstreamA);
        var b = await cluster.CreateTenantAsync(_upstreamB);

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), a.Path("/models"), a.Key, $"{header}: /t/{b.Slug}/chat/models");

        Assert.Equal(200, response.Status);
        Assert.Empty(_upstreamB.Requests);
        var received = _upstreamA.Requests.Last();
        Assert.Equal("/v1/models", received.PathAndQuery);
        Assert.Null(received.Header(header));
    }
}
