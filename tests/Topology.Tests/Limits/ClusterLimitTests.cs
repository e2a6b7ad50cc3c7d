using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Limits;

/// <summary>
/// Cluster-wide rate limits across three node processes: the limit holds for the fleet within 1% per window, the
/// Redis-down modes do what the plan says and recover by themselves, and the RateLimit-* headers tell the truth.
/// </summary>
public sealed class ClusterLimitTests(ClusterLimitFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterLimitFixture>
{
    private const long WindowMs = 1000;

    [Fact]
    public async Task ThreeNodes_OfferedTwiceTheTenantLimit_AdmitAtMostTheLimitPerWindow()
    {
        // 100 requests per 1 s window for the whole fleet; 200 per second offered, round robin over the three nodes.
        var tenant = await fixture.TenantAsync(new
        {
            requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 100, burstPerTenant = 100, rateLimitScopePerTenant = "cluster",
        });
        var clients = Enumerable.Range(0, 3).Select(fixture.Topology.Client).ToArray();
        await WaitForWindowStartAsync();
        var first = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / WindowMs) + 1;
        const int windows = 6;
        var sends = new List<Task<HttpStatusCode>>();
        var clock = Stopwatch.StartNew();
        var total = (int)((windows + 1) * WindowMs / 5);
        for (var i = 0; i < total; i++)
        {
            while (clock.ElapsedMilliseconds < i * 5L)
            {
                await Task.Delay(1);
            }

            var client = clients[i % 3];
            sends.Add(Task.Run(async () => (await fixture.SendAsync(client, tenant)).StatusCode));
        }

        var statuses = await Task.WhenAll(sends);
        var arrivals = fixture.ArrivalsOf(tenant).GroupBy(at => at / WindowMs).ToDictionary(g => g.Key, g => g.Count());
        var worst = 0.0;
        var fullest = 0;
        for (var window = first; window < first + windows - 1; window++)
        {
            var admitted = arrivals.GetValueOrDefault(window);
            var overshoot = (admitted - 100) / 100.0;
            worst = Math.Max(worst, overshoot);
            fullest = Math.Max(fullest, admitted);
            output.WriteLine($"window {window}: admitted {admitted} of limit 100, overshoot {Math.Max(0, overshoot):P1}");
        }

        output.WriteLine($"offered {statuses.Length}, 200: {statuses.Count(s => s == HttpStatusCode.OK)}, 429: {statuses.Count(s => s == HttpStatusCode.TooManyRequests)}; worst overshoot {Math.Max(0, worst):P1}");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        Assert.True(worst <= 0.01, $"a window admitted {fullest}, more than the limit 100 x 1.01");
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) > statuses.Length / 4, "twice the limit was offered: about half must be refused");
        Assert.True(fullest >= 80, $"the fullest window admitted only {fullest}: the fleet should use most of its limit");
    }

    [Fact]
    public async Task RedisStopped_LocalAdmitsTheFairShare_ClosedRefuses_BothRecover()
    {
        // 30 per 1 s window for the fleet: while Redis is down each of the three nodes admits 30 / 3 = 10 per window.
        var local = await fixture.TenantAsync(new
        {
            requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 30, burstPerTenant = 30, rateLimitScopePerTenant = "cluster", redisDownModePerTenant = "local",
        });
        var closed = await fixture.TenantAsync(new
        {
            requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 30, burstPerTenant = 30, rateLimitScopePerTenant = "cluster", redisDownModePerTenant = "closed",
        });
        var clients = Enumerable.Range(0, 3).Select(fixture.Topology.Client).ToArray();
        await Wait.UntilAsync(async () => (await fixture.SendAsync(clients[0], closed)).StatusCode == HttpStatusCode.OK, "the closed tenant served with Redis up", TimeSpan.FromSeconds(30));

        await fixture.Redis.StopAsync();
        try
        {
            foreach (var client in clients)
            {
                await Wait.UntilAsync(async () => (await fixture.SendAsync(client, closed)).StatusCode == HttpStatusCode.TooManyRequests,
                    "every node to notice Redis is gone", TimeSpan.FromSeconds(30));
            }

            // closed: nothing gets through on any node.
            var closedStatuses = new List<HttpStatusCode>();
            foreach (var client in clients)
            {
                for (var i = 0; i < 10; i++)
                {
                    closedStatuses.Add((await fixture.SendAsync(client, closed)).StatusCode);
                }
            }

            // local: 30 requests to each node within one window; each admits its fair share.
            await WaitForWindowStartAsync();
            var perNode = await Task.WhenAll(clients.Select(async client =>
            {
                var ok = 0;
                for (var i = 0; i < 30; i++)
                {
                    ok += (await fixture.SendAsync(client, local)).StatusCode == HttpStatusCode.OK ? 1 : 0;
                }

                return ok;
            }));
            output.WriteLine($"Redis down: closed refused {closedStatuses.Count(s => s == HttpStatusCode.TooManyRequests)} of {closedStatuses.Count}; local admitted per node {string.Join(", ", perNode)} (fair share 10)");
            Assert.All(closedStatuses, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
            Assert.All(perNode, ok => Assert.InRange(ok, 8, 12));
        }
        finally
        {
            await fixture.Redis.StartAsync();
        }

        // Back: closed serves again on every node, and local counts the fleet in Redis again (one node can use the whole limit).
        foreach (var client in clients)
        {
            await Wait.UntilAsync(async () => (await fixture.SendAsync(client, closed)).StatusCode == HttpStatusCode.OK,
                "every node to use Redis again", TimeSpan.FromSeconds(60));
        }

        await WaitForWindowStartAsync();
        var alone = 0;
        for (var i = 0; i < 40; i++)
        {
            alone += (await fixture.SendAsync(clients[0], local)).StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        output.WriteLine($"Redis back: one node admitted {alone} of 40 in a window (cluster limit 30)");
        Assert.InRange(alone, 15, 31);
    }

    [Fact]
    public async Task Headers_NodeAndClusterLimits_SayLimitRemainingAndReset_And429HasRetryAfter()
    {
        var node = await fixture.TenantAsync(new { requestsPerSecondPerKey = 0.01, burstPerKey = 10, requestsPerSecondPerTenant = 100_000, burstPerTenant = 100_000 });
        var cluster = await fixture.TenantAsync(new
        {
            requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 0.01, burstPerTenant = 20, rateLimitScopePerTenant = "cluster",
        });
        var client = fixture.Topology.Client(0);

        var nodeRemaining = new List<long>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 11; i++)
        {
            last = await fixture.SendAsync(client, node);
            if (i < 10)
            {
                Assert.Equal(HttpStatusCode.OK, last.StatusCode);
                Assert.Equal("10", Header(last, "RateLimit-Limit"));
                nodeRemaining.Add(long.Parse(Header(last, "RateLimit-Remaining")!, System.Globalization.CultureInfo.InvariantCulture));
                Assert.InRange(long.Parse(Header(last, "RateLimit-Reset")!, System.Globalization.CultureInfo.InvariantCulture), 1, 1000);
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => 9L - i), nodeRemaining);
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.Equal("0", Header(last, "RateLimit-Remaining"));
        Assert.True(last.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        var clusterRemaining = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var response = await fixture.SendAsync(client, cluster);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("20", Header(response, "RateLimit-Limit"));
            clusterRemaining.Add(long.Parse(Header(response, "RateLimit-Remaining")!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(long.Parse(Header(response, "RateLimit-Reset")!, System.Globalization.CultureInfo.InvariantCulture), 1, 2000);
            await Task.Delay(20);
        }

        output.WriteLine($"node remaining {string.Join(",", nodeRemaining)}; cluster remaining {string.Join(",", clusterRemaining)}");
        Assert.Equal(clusterRemaining.OrderDescending(), clusterRemaining);
        Assert.True(clusterRemaining[0] > clusterRemaining[^1]);
        Assert.InRange(clusterRemaining[0], 15, 19);
    }

    [Fact]
    public async Task ShadowMode_RefusesNothing_AndCountsExactlyWhatEnforceModeRefused()
    {
        // A per-node key rule (10, then one per 100 s) and a cluster tenant rule (20 per 2000 s window), each in
        // enforce and in shadow mode; the other rule of each plan is out of reach, so each rule sees the same traffic.
        var nodeRule = new { requestsPerSecondPerKey = 0.01, burstPerKey = 10, requestsPerSecondPerTenant = 100_000, burstPerTenant = 100_000 };
        var nodeShadow = new { requestsPerSecondPerKey = 0.01, burstPerKey = 10, requestsPerSecondPerTenant = 100_000, burstPerTenant = 100_000, shadowRateLimitPerKey = true };
        var clusterRule = new { requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 0.01, burstPerTenant = 20, rateLimitScopePerTenant = "cluster" };
        var clusterShadow = new
        {
            requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 0.01, burstPerTenant = 20, rateLimitScopePerTenant = "cluster", shadowRateLimitPerTenant = true,
        };
        var tenants = new[] { await fixture.TenantAsync(nodeRule), await fixture.TenantAsync(nodeShadow), await fixture.TenantAsync(clusterRule), await fixture.TenantAsync(clusterShadow) };

        // Deterministic windows: the 2000 s cluster window must not turn during the run.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (2_000_000 - (now % 2_000_000) < 60_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2_000_000 - (now % 2_000_000) + 100));
        }

        var statuses = new List<HttpStatusCode>[4];
        for (var t = 0; t < 4; t++)
        {
            statuses[t] = [];
            foreach (var (node, count) in new[] { (0, 30), (1, 15) })
            {
                using var client = fixture.Topology.Client(node);
                for (var i = 0; i < count; i++)
                {
                    statuses[t].Add((await fixture.SendAsync(client, tenants[t])).StatusCode);
                    await Task.Delay(20);
                }
            }
        }

        var refusedByNodeRule = statuses[0].Count(s => s == HttpStatusCode.TooManyRequests);
        var refusedByClusterRule = statuses[2].Count(s => s == HttpStatusCode.TooManyRequests);
        output.WriteLine($"enforce: node rule refused {refusedByNodeRule} of 45, cluster rule refused {refusedByClusterRule} of 45");
        Assert.Equal(25, refusedByNodeRule);
        Assert.InRange(refusedByClusterRule, 23, 25);
        Assert.All(statuses[1].Concat(statuses[3]), s => Assert.Equal(HttpStatusCode.OK, s));

        // The usage API (from the nodes' usage batches) and the access logs count what the shadow rules would have refused.
        foreach (var (shadow, expected) in new[] { (tenants[1], refusedByNodeRule), (tenants[3], refusedByClusterRule) })
        {
            JsonNode totals = null!;
            await Wait.UntilAsync(async () =>
            {
                totals = (await UsageAsync(shadow))["totals"]!;
                return (long)totals["requests"]! >= 45;
            }, "the shadow tenant's usage to reach the ledger", TimeSpan.FromSeconds(60), fixture.Topology.Diagnostics);
            await Task.Delay(TimeSpan.FromSeconds(2)); // a later batch must not add more
            totals = (await UsageAsync(shadow))["totals"]!;
            output.WriteLine($"shadow tenant {shadow.Slug}: requests {totals["requests"]}, wouldHaveBeenLimited {totals["wouldHaveBeenLimited"]} (enforce refused {expected})");
            Assert.Equal(45, (long)totals["requests"]!);
            Assert.Equal(expected, (long)totals["wouldHaveBeenLimited"]!);

            var marked = 0;
            await Wait.UntilAsync(() =>
            {
                marked = Enumerable.Range(0, 2).Sum(n => AccessLogLines(n).Count(l => l.Contains($"\"tenant\":\"{shadow.Slug}\"", StringComparison.Ordinal)
                    && l.Contains("\"wouldHaveBeenLimited\":true", StringComparison.Ordinal)));
                return Task.FromResult(marked >= expected);
            }, "the access logs to mark the requests", TimeSpan.FromSeconds(30));
            Assert.Equal(expected, marked);
        }
    }

    private async Task<JsonNode> UsageAsync(TopologyTenant tenant)
    {
        using var admin = fixture.Topology.Admin();
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-2).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"));
        return JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/usage?from={from}&to={to}&granularity=day"))!;
    }

    private string[] AccessLogLines(int node)
    {
        var file = Path.Combine(fixture.Topology.StateDirectory(node), "access.jsonl");
        if (!File.Exists(file))
        {
            return [];
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Waits for the next window to begin (the test shares the nodes' and Redis's clock: one machine).</summary>
    private static async Task WaitForWindowStartAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromMilliseconds(WindowMs - (now % WindowMs) + 20));
    }
}
