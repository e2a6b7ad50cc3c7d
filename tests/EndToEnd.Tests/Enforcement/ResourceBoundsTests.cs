using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>Requests in flight and streamed responses, bounded by the plan and the endpoint as they arrive from the control plane.</summary>
[Collection(NodeCollection.Name)]
public sealed class ResourceBoundsTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("bounds");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task FiftyParallelSlowRequests_AreHeldToTheKeysAndTheTenantsInFlightLimits()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, new
        {
            requestsPerSecondPerKey = 1000, burstPerKey = 1000, requestsPerSecondPerTenant = 1000, burstPerTenant = 1000,
            maxConcurrentRequestsPerKey = 4, maxConcurrentRequestsPerTenant = 6,
        });
        var second = (string)(await GatewayCluster.PostAsync(cluster.Admin(), $"/api/v1/tenants/{tenant.TenantId}/api-keys", new { name = "second" }))["key"]!;
        await cluster.SyncAsync();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int inFlight = 0, maxInFlight = 0;
        _upstream.Respond = async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await release.Task;
            Interlocked.Decrement(ref inFlight);
            await context.Response.WriteAsync("{}");
        };

        var client = cluster.Client(0);
        var refused = 0;
        Task<(string Key, HttpStatusCode StatusCode, TimeSpan? RetryAfter, string Body)> Send(string key) => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, tenant.Path("/models"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref refused);
            }

            return (key, response.StatusCode, response.Headers.RetryAfter?.Delta, body);
        });

        // 25 at once on the first key: 4 are held upstream, 21 refused by the key's limit.
        var first = Enumerable.Range(0, 25).Select(_ => Send(tenant.Key)).ToList();
        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref refused) == 21), "21 requests of the first key refused");

        // 25 more on the second key while those are held: the tenant's limit of 6 leaves it 2.
        var more = Enumerable.Range(0, 25).Select(_ => Send(second)).ToList();
        await GatewayCluster.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref refused) == 44), "23 requests of the second key refused");
        release.SetResult();
        var results = await Task.WhenAll(first.Concat(more));

        Assert.Equal(4, results.Count(r => r.Key == tenant.Key && r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(2, results.Count(r => r.Key == second && r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(44, results.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r =>
        {
            Assert.Contains("too-many-requests-in-flight", r.Body);
            Assert.True(r.RetryAfter >= TimeSpan.FromSeconds(1));
        });
        Assert.Equal(6, maxInFlight);
        Assert.Equal(6, _upstream.Requests.Count);

        // The slots come back when the responses end.
        _upstream.Respond = null;
        var after = await cluster.Client(0, tenant.Key).GetAsync(tenant.Path("/models"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task AStreamPastItsMaximumDuration_EndsWithAnSseErrorEvent()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, endpoint: new Dictionary<string, object?> { ["streamMaxDurationSeconds"] = 1 });
        _upstream.Respond = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            // Never silent, never done: only the duration cap can end this stream.
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await Task.Delay(100);
                await context.Response.WriteAsync(": keep-alive\n\n");
                await context.Response.Body.FlushAsync();
            }
        };

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/chat/completions"), tenant.Key, "Accept: text/event-stream");

        Assert.Equal(200, response.Status);
        Assert.StartsWith("data: first\n\n", response.Body, StringComparison.Ordinal);
        Assert.EndsWith("event: error\ndata: {\"error\":{\"type\":\"stream_limit\",\"message\":\"The stream reached the maximum duration the gateway allows.\"}}\n\n", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamSilentPastItsIdleGap_EndsWithAnSseErrorEvent()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, endpoint: new Dictionary<string, object?> { ["streamMaxIdleSeconds"] = 1 });
        var done = new TaskCompletionSource();
        _upstream.Respond = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: partial");
            await context.Response.Body.FlushAsync();
            await Task.WhenAny(done.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
        };

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/chat/completions"), tenant.Key);
        done.TrySetResult();

        Assert.Equal(200, response.Status);
        Assert.Equal("data: partial\n\nevent: error\ndata: {\"error\":{\"type\":\"stream_limit\",\"message\":\"The model endpoint sent nothing for longer than the gateway allows.\"}}\n\n", response.Body);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
