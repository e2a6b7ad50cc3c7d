using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Metering;

/// <summary>
/// Hard monthly quotas with the parts as separate processes: two nodes and two control-plane replicas. A fleet
/// offered well over a quota admits at most the README's overshoot bound past it; one replica pushes quotas, and
/// when it is killed the other takes over and the nodes keep learning the fleet's consumption.
/// </summary>
/// <remarks>The replica test kills a control plane of the shared topology, so the tests run by name: the fleet test first, with both replicas.</remarks>
[TestCaseOrderer("InferenceGateway.Topology.Tests.Metering.ByNameOrderer", "InferenceGateway.Topology.Tests")]
public sealed class QuotaTopologyTests(QuotaTopologyFixture fixture, ITestOutputHelper output) : IClassFixture<QuotaTopologyFixture>
{
    /// <summary>The defaults the topology runs with: the node's <c>DataPlane:Metering:ReportInterval</c> and <c>ControlPlane:Usage:QuotaPushMinGap</c>.</summary>
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan QuotaPushMinGap = TimeSpan.FromMilliseconds(200);

    /// <summary>Ingestion, the push's revision and its trip over the bus to both nodes, on a machine shared with other builds.</summary>
    private static readonly TimeSpan DelayAllowance = TimeSpan.FromMilliseconds(1300);

    private GatewayTopology Topology => fixture.Topology;

    [Fact]
    public async Task HundredRequestQuotaOverTwoNodeProcesses_AdmitsAtMostTheBoundMore_RefusesWithTheQuotaProblem_LedgerHoldsWhatWasAdmitted()
    {
        const int quota = 100;
        var (tenant, upstream) = await fixture.QuotaTenantAsync(quota);
        var admitted = await fixture.WaitForKeyAsync(tenant);

        // Offered round-robin over both nodes, paced to about 40 requests per second, three times the quota.
        var clients = new[] { Topology.Client(0), Topology.Client(1) };
        var refused = new List<Refusal>();
        var clock = Stopwatch.StartNew();
        var offered = 0;
        for (; offered < 3 * quota; offered++)
        {
            var answer = await SendAsync(clients[offered % 2], tenant);
            if (answer.Status == HttpStatusCode.OK)
            {
                admitted++;
            }
            else
            {
                refused.Add(answer);
            }

            await Task.Delay(25);
        }

        clock.Stop();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        // README: overshoot <= fleet rate x (ReportInterval + QuotaPushMinGap + ingestion and bus delay).
        var rate = offered / clock.Elapsed.TotalSeconds;
        var window = ReportInterval + QuotaPushMinGap + DelayAllowance;
        var bound = (int)Math.Ceiling(rate * window.TotalSeconds);
        output.WriteLine($"quota={quota} offered={offered} at {rate:F1}/s admitted={admitted} overshoot={admitted - quota} bound={bound} "
            + $"(rate x {window.TotalSeconds} s) refused={refused.Count}");
        Assert.InRange(admitted, quota, quota + bound);
        Assert.All(refused, r => Assert.Equal((HttpStatusCode.TooManyRequests, "urn:igw:problem:quota-exceeded", "false"), (r.Status, r.Type, r.ShouldRetry)));
        Assert.Equal(admitted, upstream.Requests.Count);

        // The ledger holds exactly what was admitted: refused requests never reached a model and are not metered.
        long ledger = 0;
        await Wait.UntilAsync(async () => (ledger = await fixture.LedgerRequestsAsync(tenant)) >= admitted, "the ledger to hold every admitted request",
            TimeSpan.FromSeconds(60), Topology.Diagnostics);
        await Task.Delay(TimeSpan.FromSeconds(3)); // anything counted twice would arrive by now
        ledger = await fixture.LedgerRequestsAsync(tenant);
        output.WriteLine($"ledger={ledger} admitted={admitted}");
        Assert.Equal(admitted, ledger);
    }

    [Fact]
    public async Task OneReplicaHoldsThePushLock_KilledItIsTakenOver_AndNodesStillLearnTheFleetsConsumption()
    {
        var replicas = new[] { Topology.ControlPlane!, Topology.SecondControlPlane! };
        List<(int ProcessId, bool Granted)> sessions = [];
        await Wait.UntilAsync(async () => (sessions = await fixture.PushLockAsync()).Count == 2, "both replicas at the push lock",
            TimeSpan.FromSeconds(60), Topology.Diagnostics);
        output.WriteLine($"push lock: {string.Join(", ", sessions.Select(s => $"pid {s.ProcessId} {(s.Granted ? "holds" : "waits")}"))}; "
            + $"replicas {string.Join(", ", replicas.Select(r => $"{r.Name} pid {r.Id}"))}");
        var holder = Assert.Single(sessions, s => s.Granted);
        var waiter = Assert.Single(sessions, s => !s.Granted);
        var leader = Assert.Single(replicas, r => r.Id == holder.ProcessId);
        var survivor = Assert.Single(replicas, r => r.Id == waiter.ProcessId);

        await Topology.KillControlPlaneAsync(leader);
        await Wait.UntilAsync(async () => (sessions = await fixture.PushLockAsync()) is [{ Granted: true } only] && only.ProcessId == survivor.Id,
            "the surviving replica to hold the push lock", TimeSpan.FromSeconds(30), Topology.Diagnostics);

        // A tenant with a 20-request quota is offered 15 requests on each node, alternating (and a probe each): neither
        // node alone reaches 20. Once the surviving replica pushed the fleet's consumption, both refuse; by local
        // counting alone each node would still admit the three tries below.
        const int quota = 20;
        const int perNode = 15;
        var (tenant, _) = await fixture.QuotaTenantAsync(quota);
        var admitted = await fixture.WaitForKeyAsync(tenant);
        var clients = new[] { Topology.Client(0), Topology.Client(1) };
        for (var i = 0; i < 2 * perNode; i++)
        {
            var answer = await SendAsync(clients[i % 2], tenant);
            if (answer.Status == HttpStatusCode.OK)
            {
                admitted++;
            }
            else
            {
                Assert.Equal((HttpStatusCode.TooManyRequests, "urn:igw:problem:quota-exceeded"), (answer.Status, answer.Type));
            }
        }

        Assert.True(admitted >= quota, $"only {admitted} of {2 * perNode + 2} requests admitted under a {quota}-request quota");
        long pushed = 0;
        await Wait.UntilAsync(async () => (pushed = await fixture.PushedRequestsAsync(tenant)) >= admitted,
            "the surviving replica to push the tenant's consumption", TimeSpan.FromSeconds(60), Topology.Diagnostics);
        var answers = new Refusal[2];
        for (var node = 0; node < 2; node++)
        {
            var client = clients[node];
            // The push's revision is committed; its trip over the bus takes milliseconds: three tries a second apart.
            for (var attempt = 0; attempt < 3 && answers[node]?.Status != HttpStatusCode.TooManyRequests; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }

                answers[node] = await SendAsync(client, tenant);
            }
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        output.WriteLine($"after the kill: quota={quota} admitted={admitted} (at most {perNode} + 1 per node) pushed={pushed}; "
            + $"the nodes answer {string.Join(", ", answers.Select(a => $"{(int)a.Status} {a.Type}"))}");
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.TooManyRequests, "urn:igw:problem:quota-exceeded", "false"), (a.Status, a.Type, a.ShouldRetry)));
    }

    private static async Task<Refusal> SendAsync(HttpClient client, TopologyTenant tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, tenant.Path());
        request.Headers.Authorization = new("Bearer", tenant.Key);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return new Refusal(response.StatusCode, null, null);
        }

        var type = body.Length > 0 && body[0] == '{' ? (string?)JsonNode.Parse(body)?["type"] : null;
        return new Refusal(response.StatusCode, type, response.Headers.TryGetValues("x-should-retry", out var values) ? string.Join(",", values) : null);
    }

    private sealed record Refusal(HttpStatusCode Status, string? Type, string? ShouldRetry);
}
