using System.Net;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Xunit.Abstractions;

namespace InferenceGateway.EndToEnd.Tests.Metering;

/// <summary>A hard quota across two nodes: admitted at least up to the quota and at most the README's overshoot bound past it.</summary>
public sealed class FleetQuotaTests(GatewayCluster cluster, ITestOutputHelper output) : IClassFixture<GatewayCluster>, IAsyncLifetime
{
    private const int Quota = 100;

    /// <summary>The client waits this long between requests, so the fleet's rate for this tenant is at most 20 per second.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>The defaults: the node's <c>DataPlane:Metering:ReportInterval</c> and <c>ControlPlane:Usage:QuotaPushMinGap</c>.</summary>
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan QuotaPushMinGap = TimeSpan.FromMilliseconds(200);

    /// <summary>Ingestion, the push's revision and its trip over the bus to both nodes, on a machine shared with other builds.</summary>
    private static readonly TimeSpan DelayAllowance = TimeSpan.FromMilliseconds(1300);

    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("fleet-quota");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task HundredRequestQuotaOverTwoNodes_AdmitsTheQuotaAndAtMostTheBoundMore()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, new
        {
            requestsPerSecondPerKey = 1000, burstPerKey = 1000, requestsPerSecondPerTenant = 1000, burstPerTenant = 1000,
            monthlyRequestQuota = Quota, quotaEnforcement = "hard",
        });
        var clients = new[] { cluster.Client(0, tenant.Key), cluster.Client(1, tenant.Key) };
        var admitted = 0;
        var refusedInARow = 0;
        for (var i = 0; i < 1000 && refusedInARow < 20; i++)
        {
            var status = (await clients[i % 2].GetAsync(tenant.Path("/models"))).StatusCode;
            if (status == HttpStatusCode.OK)
            {
                admitted++;
                refusedInARow = 0;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, status);
                refusedInARow++;
            }

            await Task.Delay(Pause);
        }

        // README: overshoot <= fleet rate x (ReportInterval 1 s + QuotaPushMinGap 0.2 s + ingestion and bus delay),
        // here with 1.3 s allowed for the delay on a loaded machine: 20/s x 2.5 s.
        var rate = 1 / Pause.TotalSeconds;
        var window = ReportInterval + QuotaPushMinGap + DelayAllowance;
        var bound = (int)Math.Ceiling(rate * window.TotalSeconds);
        output.WriteLine($"quota={Quota} admitted={admitted} overshoot={admitted - Quota} bound={bound} (rate {rate}/s x {window.TotalSeconds} s)");
        Assert.InRange(admitted, Quota, Quota + bound);
        Assert.Equal(admitted, _upstream.Requests.Count(r => r.PathAndQuery == "/v1/models"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await clients[0].GetAsync(tenant.Path("/models"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await clients[1].GetAsync(tenant.Path("/models"))).StatusCode);
    }
}
