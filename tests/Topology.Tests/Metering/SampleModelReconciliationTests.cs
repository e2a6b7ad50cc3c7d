using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport.Topology;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Metering;

/// <summary>
/// Reconciliation against the model's own counts: samples/SampleModel (its tokenizer counts the prompt and the
/// completion) answers streamed and non-streamed chat completions through two node processes, with a real broker
/// restart in between; the ledger's token sums must equal the sums of the <c>usage</c> every client received.
/// </summary>
public sealed class SampleModelReconciliationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RequestsPerPhase = 120;
    private GatewayTopology _topology = null!;
    private SampleModelProcess _model = null!;
    private long _served;
    private long _streamed;
    private long _input;
    private long _output;

    public async Task InitializeAsync()
    {
        _topology = await TopologyFixture.StartAsync("reconcile-model", nodes: 2);
        _model = await SampleModelProcess.StartAsync(_topology.RunDirectory);
    }

    public async Task DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task StreamedAndNonStreamedThroughTwoNodesAndABrokerRestart_LedgerTokensEqualWhatTheModelReportedToClients()
    {
        var tenant = await _topology.CreateTenantAsync(_model.BaseUrl, "chat");

        // The probe has a key of its own, made after the traffic's key: the traffic key's ledger rows hold only the traffic.
        var probe = await _topology.CreateKeyAsync(tenant.TenantId, "probe");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), probe.Key, HttpStatusCode.OK, "the probe key to work on both nodes");
        var journals = Enumerable.Range(0, 2).Select(i => Path.Combine(_topology.StateDirectory(i), "usage-journal.jsonl")).ToArray();

        await DriveAsync(tenant, 0);
        await _topology.Broker.StopAsync();
        await DriveAsync(tenant, RequestsPerPhase);
        await Wait.UntilAsync(() => Task.FromResult(journals.All(j => File.Exists(j) && new FileInfo(j).Length > 0)), "both nodes to journal their batches",
            TimeSpan.FromSeconds(60), _topology.Diagnostics);
        await _topology.Broker.StartAsync(TopologyFixture.Binaries.RepositoryRoot);
        await DriveAsync(tenant, 2 * RequestsPerPhase);

        (long Requests, long Others, long Input, long Output, long Estimated, long Malformed) ledger = default;
        await Wait.UntilAsync(async () =>
        {
            ledger = await LedgerAsync(tenant);
            return ledger.Requests >= _served && journals.All(j => !File.Exists(j));
        }, "the ledger to hold every served request", TimeSpan.FromMinutes(3), _topology.Diagnostics);
        await Task.Delay(TimeSpan.FromSeconds(3)); // anything counted twice would arrive by now
        ledger = await LedgerAsync(tenant);

        var lost = Math.Max(0, _served - ledger.Requests);
        var duplicated = Math.Max(0, ledger.Requests - _served);
        output.WriteLine($"served={_served} (streamed {_streamed}) ledger={ledger.Requests} lost={lost} duplicated={duplicated} unexpected={ledger.Others}");
        output.WriteLine($"input tokens: clients saw {_input}, ledger {ledger.Input}, lost={Math.Max(0, _input - ledger.Input)} duplicated={Math.Max(0, ledger.Input - _input)}");
        output.WriteLine($"output tokens: clients saw {_output}, ledger {ledger.Output}, lost={Math.Max(0, _output - ledger.Output)} duplicated={Math.Max(0, ledger.Output - _output)}");
        output.WriteLine($"estimated tokens={ledger.Estimated} malformed usage={ledger.Malformed}");
        Assert.Equal(3 * RequestsPerPhase, _served);
        Assert.Equal(_served, ledger.Requests);
        Assert.Equal(0, ledger.Others);
        Assert.True(_input > 0 && _output > 0);
        Assert.Equal(_input, ledger.Input);
        Assert.Equal(_output, ledger.Output);
        Assert.Equal(0, ledger.Estimated);
        Assert.Equal(0, ledger.Malformed);
    }

    /// <summary>Requests alternating between the nodes; every other pair streamed with <c>include_usage</c>; prompts and budgets vary.</summary>
    private async Task DriveAsync(TopologyTenant tenant, int offset)
    {
        using var node0 = _topology.Client(0);
        using var node1 = _topology.Client(1);
        await Parallel.ForAsync(offset, offset + RequestsPerPhase, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var stream = i / 2 % 2 == 1;
            var (input, output) = await SendAsync(i % 2 == 0 ? node0 : node1, tenant, i, stream);
            Interlocked.Add(ref _input, input);
            Interlocked.Add(ref _output, output);
            Interlocked.Increment(ref _served);
            if (stream)
            {
                Interlocked.Increment(ref _streamed);
            }
        });
    }

    /// <summary>One chat completion; returns the usage the client received (the JSON body's, or the last event's of a stream).</summary>
    private static async Task<(long Input, long Output)> SendAsync(HttpClient client, TopologyTenant tenant, int i, bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = "sample-trigram-1",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Tell me about the river and the old mill, number {i}{new string('!', i % 7)}" }),
            ["max_tokens"] = 4 + (i % 29),
            ["seed"] = i,
        };
        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, tenant.Path("/chat/completions")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", tenant.Key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        JsonNode? usage = null;
        if (!stream)
        {
            usage = JsonNode.Parse(text)!["usage"];
        }
        else
        {
            foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
            {
                if (JsonNode.Parse(line["data: ".Length..])!["usage"] is JsonObject reported)
                {
                    Assert.Null(usage); // one usage event per stream
                    usage = reported;
                }
            }

            Assert.EndsWith("data: [DONE]", text.TrimEnd(), StringComparison.Ordinal);
        }

        Assert.NotNull(usage);
        return ((long)usage!["prompt_tokens"]!, (long)usage["completion_tokens"]!);
    }

    /// <summary>The traffic key's ledger rows: 2xx requests, any other request of the tenant, reported, estimated and malformed tokens.</summary>
    private async Task<(long Requests, long Others, long Input, long Output, long Estimated, long Malformed)> LedgerAsync(TopologyTenant tenant)
    {
        using var admin = _topology.Admin();
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-2).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"));
        var rows = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/usage?from={from}&to={to}&granularity=day&groupBy=credential"))!["rows"]!
            .AsArray().Select(r => r!).ToList();
        var traffic = rows.Where(r => (string?)r["credentialId"] == tenant.KeyId).ToList();
        long Sum(IEnumerable<JsonNode> of, string field) => of.Sum(r => r[field]!.GetValue<long>());
        return (
            Sum(traffic, "requests2xx"),
            Sum(traffic, "requests") - Sum(traffic, "requests2xx"),
            Sum(traffic, "inputTokens"), Sum(traffic, "outputTokens"),
            Sum(traffic, "estimatedInputTokens") + Sum(traffic, "estimatedOutputTokens"),
            Sum(traffic, "malformedUsage"));
    }
}
