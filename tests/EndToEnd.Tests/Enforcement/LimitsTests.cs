using System.Net;
using System.Net.Http.Headers;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>Rate limits and body limits from the tenant's plan, as they arrive from the control plane.</summary>
[Collection(NodeCollection.Name)]
public sealed class LimitsTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("limits");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task RequestsBeyondTheKeysBurst_Get429WithRetryAfter()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, new { requestsPerSecondPerKey = 0.1, burstPerKey = 5, requestsPerSecondPerTenant = 1000, burstPerTenant = 1000 });
        var client = cluster.Client(0, tenant.Key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await client.GetAsync(tenant.Path("/models"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(limited!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("credential's limit", await limited.Content.ReadAsStringAsync());
        Assert.Equal(5, _upstream.Requests.Count(r => r.Header("Authorization") == "Bearer upstream-limits" && r.PathAndQuery == "/v1/models"));
    }

    [Fact]
    public async Task TwentyKeysOfOneTenant_TogetherStayWithinTheTenantLimit()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, new { requestsPerSecondPerKey = 1000, burstPerKey = 1000, requestsPerSecondPerTenant = 0.1, burstPerTenant = 10 });
        var admin = cluster.Admin();
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add((string)(await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = $"k{i}" }))["key"]!);
        }

        await cluster.SyncAsync();
        var before = _upstream.Requests.Count;
        var client = cluster.Client(0);
        var responses = await Task.WhenAll(keys.SelectMany(k => new[] { k, k }).Select(async key =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, tenant.Path("/models"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Tenant: (await response.Content.ReadAsStringAsync()).Contains("tenant's limit"));
        }));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        // The burst, plus at most one token refilled at 0.1/s while the 40 requests run.
        Assert.InRange(ok, 10, 11);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.True(r.StatusCode == HttpStatusCode.TooManyRequests && r.Tenant));
        Assert.Equal(ok, _upstream.Requests.Count - before);
    }

    [Theory]
    [InlineData(999, false, 200)]
    [InlineData(1000, false, 200)]
    [InlineData(1001, false, 413)]
    [InlineData(999, true, 200)]
    [InlineData(1000, true, 200)]
    [InlineData(1001, true, 413)]
    [InlineData(50_000, true, 413)]
    public async Task Body_AtAndAroundThePlanLimit_DeclaredOrChunked(int size, bool chunked, int expected)
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, new { requestsPerSecondPerKey = 1000, burstPerKey = 1000, requestsPerSecondPerTenant = 1000, burstPerTenant = 1000, maxRequestBodyBytes = 1000 });
        var body = new string('x', size);
        var marker = Guid.NewGuid().ToString("N");
        HttpContent content = chunked
            ? new StreamContent(new ChunkedOnlyStream(System.Text.Encoding.ASCII.GetBytes(body)))
            : new StringContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        var response = await cluster.Client(0, tenant.Key).PostAsync(tenant.Path($"/echo?m={marker}"), content);

        Assert.Equal(expected, (int)response.StatusCode);
        var received = _upstream.Requests.Where(r => r.PathAndQuery.Contains(marker)).ToList();
        if (expected == 200)
        {
            Assert.Equal(size, received.Single().Body.Length);
        }
        else
        {
            Assert.Empty(received);
            Assert.Contains("larger than the plan allows", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task BrokenChunkedBody_Gets400_NotA500()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var address = cluster.NodeAddress(0);

        var response = await RawHttp.SendExactAsync(address,
            $"POST {tenant.Path("/echo")} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {tenant.Key}\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nnot a chunk\r\n0\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.DoesNotContain(_upstream.Requests, r => r.PathAndQuery == "/v1/echo");
    }

    /// <summary>A body stream of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
