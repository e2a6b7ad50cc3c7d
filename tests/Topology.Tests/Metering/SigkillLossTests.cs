using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Metering;

/// <summary>
/// What a SIGKILL costs the ledger: a node killed mid-traffic while the broker is away (its batches going to the
/// journal) and started again (the journal replayed) leaves the ledger short by at most the README's bound, and never
/// over what clients were served.
/// </summary>
public sealed class SigkillLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The node's defaults: <c>DataPlane:Metering:ReportInterval</c> and the reporter's publish timeout.</summary>
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(3);
    private const int Workers = 4;

    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;
    private readonly long[] _served = new long[2];

    /// <summary>Node 1's served requests during the outage, per 100 ms since <see cref="_clock"/> started: the traffic of any window before the kill.</summary>
    private readonly long[] _slots = new long[6000];
    private readonly Stopwatch _clock = new();

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("sigkill");
        _upstream.Respond = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}""");
        };
        _topology = await TopologyFixture.StartAsync("sigkill", nodes: 2);
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task NodeKilledMidTrafficWhileJournaling_LedgerIsShortByAtMostTheBound_AndNeverOver()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        var probe = await _topology.CreateKeyAsync(tenant.TenantId, "probe");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), probe.Key, HttpStatusCode.OK, "the probe key to work on both nodes");
        var journal = Path.Combine(_topology.StateDirectory(1), "usage-journal.jsonl");

        await DriveAsync(tenant, [0, 1], 200);
        var baseline = await SettledLedgerAsync(tenant, _served.Sum(), []);
        output.WriteLine($"before the outage: served={_served.Sum()} ledger={baseline}");

        // The broker goes away; node 1 serves on, journaling each batch after its publish timeout, and is killed.
        await _topology.Broker.StopAsync();
        var before = Interlocked.Read(ref _served[1]);
        _clock.Start();
        long failed = 0;
        using (var traffic = new CancellationTokenSource())
        {
            var running = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () => Interlocked.Add(ref failed, await DriveUntilAsync(tenant, 1, traffic.Token)))).ToArray();
            // Three journaled batches: the traffic before the kill is several times what the bound allows to lose.
            await Wait.UntilAsync(() => Task.FromResult(File.Exists(journal) && File.ReadLines(journal).Count() >= 3), "node 1 to journal three batches",
                TimeSpan.FromSeconds(90), _topology.Diagnostics);
            await Task.Delay(PublishTimeout / 2);
            await _topology.KillNodeAsync(1);
            _clock.Stop();
            traffic.Cancel();
            await Task.WhenAll(running);
        }

        var window = Interlocked.Read(ref _served[1]) - before;

        await _topology.Broker.StartAsync(TopologyFixture.Binaries.RepositoryRoot);
        await _topology.StartNodeAsync(1);
        await DriveAsync(tenant, [0, 1], 200);

        // The README's bound: the node's traffic in the last ReportInterval + 2 x PublishTimeout before the kill (the
        // batch being delivered covers the time since the drain before it, which a failed delivery stretches to a
        // publish timeout; then what came in during that delivery; one report interval of scheduling slack), plus
        // the requests in flight.
        var span = ReportInterval + 2 * PublishTimeout;
        var killedAt = (int)(_clock.ElapsedMilliseconds / 100);
        var bound = _slots[Math.Max(0, killedAt - (int)(span.TotalMilliseconds / 100))..(killedAt + 1)].Sum() + Workers;
        var served = _served.Sum();
        output.WriteLine($"node 1 served {window} requests in {_clock.Elapsed.TotalSeconds:0.0} s before the SIGKILL ({window / _clock.Elapsed.TotalSeconds:0} req/s), "
            + $"{bound - Workers} in its last {span.TotalSeconds:0} s; served in all {served}");
        var ledger = await SettledLedgerAsync(tenant, served - bound, [journal, Path.Combine(_topology.StateDirectory(0), "usage-journal.jsonl")]);
        var loss = served - ledger;
        output.WriteLine($"{failed} client errors at the kill");
        output.WriteLine($"served={served} ledger={ledger} loss={loss} bound={bound} (node 1's last {span.TotalSeconds:0} s of traffic + {Workers} in flight) over={Math.Max(0, -loss)}");
        Assert.True(ledger <= served, $"the ledger holds {ledger} served requests, more than the {served} served: something was counted twice");
        Assert.True(loss <= bound, $"lost {loss}, over the bound {bound}");
        Assert.True(window > bound, $"the {window} requests before the kill must be more than the bound, or the test proves nothing");
    }

    private async Task DriveAsync(TopologyTenant tenant, int[] nodes, int requests)
    {
        var clients = nodes.Select(_topology.Client).ToArray();
        try
        {
            await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (i, _) =>
                Assert.Equal(HttpStatusCode.OK, await SendAsync(clients[i % clients.Length], nodes[i % nodes.Length], tenant)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Requests to one node until stopped or the node is gone; returns how many failed at the transport.</summary>
    private async Task<long> DriveUntilAsync(TopologyTenant tenant, int node, CancellationToken stop)
    {
        using var client = _topology.Client(node);
        long failed = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SendAsync(client, node, tenant);
            }
            catch (HttpRequestException)
            {
                failed++;
                await Task.Delay(20, CancellationToken.None);
            }
        }

        return failed;
    }

    private async Task<HttpStatusCode> SendAsync(HttpClient client, int node, TopologyTenant tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tenant.Path("/chat/completions"))
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", tenant.Key);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Interlocked.Increment(ref _served[node]);
            if (node == 1 && _clock.IsRunning)
            {
                Interlocked.Increment(ref _slots[Math.Min(_slots.Length - 1, _clock.ElapsedMilliseconds / 100)]);
            }
        }

        return response.StatusCode;
    }

    /// <summary>
    /// The traffic key's 2xx requests in the ledger once it holds at least <paramref name="minimum"/> (it times out,
    /// failing the test, when more is lost), the journals are replayed and five reads a second apart agree.
    /// </summary>
    private async Task<long> SettledLedgerAsync(TopologyTenant tenant, long minimum, string[] journals)
    {
        using var admin = _topology.Admin();
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-2).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"));
        long last = -1;
        var stable = 0;
        await Wait.UntilAsync(async () =>
        {
            var rows = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/usage?from={from}&to={to}&granularity=day&groupBy=credential"))!["rows"]!.AsArray();
            var now = rows.Where(r => (string?)r!["credentialId"] == tenant.KeyId).Sum(r => (long)r!["requests2xx"]!);
            stable = now == last && now >= minimum && journals.All(j => !File.Exists(j)) ? stable + 1 : 0;
            last = now;
            await Task.Delay(ReportInterval);
            return stable >= 5;
        }, "the ledger to settle", TimeSpan.FromMinutes(2), () => $"ledger at {last}, expected at least {minimum}; {_topology.Diagnostics()}");
        return last;
    }
}
