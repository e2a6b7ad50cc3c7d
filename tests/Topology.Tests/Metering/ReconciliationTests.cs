using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Metering;

/// <summary>
/// The headline of metering: a known number of requests through two node processes while the broker is really
/// restarted and one node gets SIGTERM and comes back; afterwards the ledger holds exactly the requests served and
/// the tokens the model reported, none lost and none counted twice (journal replays included).
/// </summary>
public sealed class ReconciliationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int PromptTokens = 7;
    private const int CompletionTokens = 3;
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;
    private long _served;
    private int _clientErrors;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("reconcile");
        _upstream.Respond = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $$$"""{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}}}}""");
        };
        _topology = await TopologyFixture.StartAsync("reconcile", nodes: 2);
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task RequestsThroughBrokerRestartAndNodeSigterm_LedgerHoldsExactlyWhatWasServed()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.OK, "the key to work on both nodes");
        var journal = Path.Combine(_topology.StateDirectory(0), "usage-journal.jsonl");

        await DriveAsync(tenant, [0, 1], 150);

        // The broker really goes away: both nodes keep serving and journal their batches.
        await _topology.Broker.StopAsync();
        await DriveAsync(tenant, [0, 1], 150);
        await Wait.UntilAsync(() => Task.FromResult(File.Exists(journal) && new FileInfo(journal).Length > 0), "node 0 to journal its batches", TimeSpan.FromSeconds(60), _topology.Diagnostics);
        await _topology.Broker.StartAsync(TopologyFixture.Binaries.RepositoryRoot);

        // Node 1 gets SIGTERM while requests are running against it; it drains, flushes and comes back.
        using (var traffic = new CancellationTokenSource())
        {
            var running = DriveUntilAsync(tenant, 1, traffic.Token);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await _topology.Node(1)!.StopAsync(TimeSpan.FromSeconds(30));
            traffic.Cancel();
            await running;
        }

        await DriveAsync(tenant, [0], 100);
        await _topology.StartNodeAsync(1);
        await DriveAsync(tenant, [0, 1], 100);

        // The journals are replayed and the ledger settles on the served count (the readiness probes above included:
        // they were served too, as GETs the upstream answered).
        var served = Interlocked.Read(ref _served) + _upstream.Requests.Count(r => r.Method == "GET");
        JsonNode totals = null!;
        await Wait.UntilAsync(async () =>
        {
            totals = await TotalsAsync(tenant);
            return (long)totals["requests"]! >= served && !File.Exists(journal) && !File.Exists(Path.Combine(_topology.StateDirectory(1), "usage-journal.jsonl"));
        }, "the ledger to hold every served request", TimeSpan.FromMinutes(3), _topology.Diagnostics);
        await Task.Delay(TimeSpan.FromSeconds(3)); // anything counted twice would arrive by now
        totals = await TotalsAsync(tenant);

        var rows = (await ReportAsync(tenant, "credential"))["rows"]!.AsArray();
        // Served means the client got its 200. A request whose client saw the connection drop during the SIGTERM is
        // in the ledger too, as 4xx (the client went away), and never as a served request.
        var ledger = rows.Sum(r => (long)r!["requests2xx"]!);
        var dropped = rows.Sum(r => (long)r!["requests4xx"]! + (long)r!["requests5xx"]! + (long)r!["requests3xx"]!);
        var unexpected = rows.Count(r => (string)r!["credentialId"]! != tenant.KeyId);
        var classes = string.Join(' ', new[] { "2xx", "3xx", "4xx", "5xx" }.Select(c => $"{c}={rows.Sum(r => (long)r!["requests" + c]!)}"));
        output.WriteLine($"ledger by class: {classes}; client errors during the SIGTERM: {_clientErrors}; upstream saw {_upstream.Requests.Count(r => r.Method == "POST")}");
        output.WriteLine($"served={served} ledger={ledger} lost={Math.Max(0, served - ledger)} duplicated={Math.Max(0, ledger - served)} unexpected={unexpected} "
            + $"inputTokens={totals["inputTokens"]} outputTokens={totals["outputTokens"]}");
        Assert.Equal(served, ledger);
        Assert.Equal(0, unexpected);
        Assert.True(dropped <= _clientErrors, $"{dropped} requests in the ledger that were not served, with only {_clientErrors} client errors");
        var posts = Interlocked.Read(ref _served);
        Assert.Equal(posts * PromptTokens, (long)totals["inputTokens"]!);
        Assert.Equal(posts * CompletionTokens, (long)totals["outputTokens"]!);
        Assert.Equal(0L, (long)totals["estimatedInputTokens"]! + (long)totals["estimatedOutputTokens"]!);
        Assert.Equal(posts, _upstream.Requests.Count(r => r.Method == "POST"));
    }

    private async Task DriveAsync(TopologyTenant tenant, int[] nodes, int requests)
    {
        var clients = nodes.Select(Client).ToArray();
        try
        {
            await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            {
                var response = await SendAsync(clients[i % clients.Length], tenant, CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, response);
            });
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Requests to a node that is being stopped: some are served, some refused once it stops accepting.</summary>
    private async Task DriveUntilAsync(TopologyTenant tenant, int node, CancellationToken stop)
    {
        using var client = Client(node);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SendAsync(client, tenant, CancellationToken.None);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _clientErrors);
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private async Task<HttpStatusCode> SendAsync(HttpClient client, TopologyTenant tenant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tenant.Path("/chat/completions"))
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", tenant.Key);
        using var response = await client.SendAsync(request, cancellationToken);
        await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Interlocked.Increment(ref _served);
        }

        return response.StatusCode;
    }

    private HttpClient Client(int node) => new() { BaseAddress = _topology.NodeAddress(node), Timeout = TimeSpan.FromSeconds(30) };

    private async Task<JsonNode> ReportAsync(TopologyTenant tenant, string? groupBy = null)
    {
        using var admin = _topology.Admin();
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-2).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"));
        return JsonNode.Parse(await admin.GetStringAsync(
            $"/api/v1/tenants/{tenant.TenantId}/usage?from={from}&to={to}&granularity=day{(groupBy is null ? string.Empty : $"&groupBy={groupBy}")}"))!;
    }

    private async Task<JsonNode> TotalsAsync(TopologyTenant tenant) => (await ReportAsync(tenant))["totals"]!;
}
