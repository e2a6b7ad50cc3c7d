using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// Revoke-to-enforce over three separate-process nodes: for each key, the time from the revoke call until each node
/// refuses the key. bench/propagation.sh runs this in Release over 100 revocations (<c>IGW_PROPAGATION_REVOCATIONS</c>)
/// and prints the figures; as a test (20 by default, to keep the suite short) it asserts only that every revocation
/// is enforced on every node (never a duration).
/// </summary>
public sealed class PropagationMeasurementTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Revocations =
        int.TryParse(Environment.GetEnvironmentVariable("IGW_PROPAGATION_REVOCATIONS"), out var n) && n > 0 ? n : 20;

    // As many revocations first, not counted: they pay for JIT compilation in every process and for tiering (a method
    // is compiled again after 30 calls, instrumented, and after 30 more optimized), so at 100 the measured ones run
    // the code a fleet that has been running for a while runs. With 40, a profile showed the tiering thread the
    // control plane's busiest through half of the measured revocations (bench/README.md).
    private static readonly int WarmUp = Revocations;

    // After the warm-up, idle: the last methods queued for optimized compilation are compiled before the clock runs.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    // Between revocations, outside the clock: what one revocation leaves to do in the background (the node's
    // last-known-good file, acknowledgements) is done before the next starts, as when revocations are not back to back.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("propagation-measurement");
        // Heartbeats at the product's default interval (the topology's 1 s is for tests that wait for a node to go
        // stale): a fleet's heartbeats, not a test's, compete with the revocation for the control plane.
        _topology = await TopologyFixture.StartAsync("propagation-measurement", nodeEnvironment: new Dictionary<string, string>
        {
            ["DataPlane__HeartbeatInterval"] = "00:00:05",
        });
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Revocation_IsEnforcedOnEveryNode_MeasuredOverManyRevocations()
    {
        // The measurement's own load kept small: an upstream that answers at once and records nothing, and one
        // keep-alive connection per node, so the time measured is the product's, not the harness's.
        _upstream.KeepRequests = false;
        var tenant = await _topology.CreateTenantAsync(_upstream);
        using var admin = _topology.Admin();
        var clients = Enumerable.Range(0, _topology.NodeCount).Select(i => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1, UseProxy = false, AllowAutoRedirect = false, UseCookies = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        }) { BaseAddress = _topology.NodeAddress(i), Timeout = TimeSpan.FromSeconds(30) }).ToList();
        var samples = new List<PropagationSample>();
        var cpu = new ProcessCpu([("control plane", _topology.ControlPlane!.Id), .. Enumerable.Range(0, _topology.NodeCount).Select(n => ($"node-{n + 1}", _topology.Node(n)!.Id)),
            ("this test", Environment.ProcessId)]);

        // Every key issued first: nodes apply revisions in order, so once the last works everywhere, all do.
        var keys = new List<(string Key, string KeyId)>();
        for (var i = 0; i < WarmUp + Revocations; i++)
        {
            keys.Add(await _topology.CreateKeyAsync(tenant.TenantId, $"k{i}"));
        }

        await _topology.WaitForEveryNodeAsync(tenant.Path(), keys[^1].Key, HttpStatusCode.OK, "the last key to work on every node");
        for (var i = -WarmUp; i < Revocations; i++)
        {
            var (key, keyId) = keys[i + WarmUp];
            await Task.Delay(i == 0 ? Settle : Pause);
            foreach (var client in clients)
            {
                // Warm: the connection each node is polled on is open before the clock starts.
                Assert.Equal(HttpStatusCode.OK, await SendAsync(client, tenant, key));
                Assert.Equal(HttpStatusCode.MethodNotAllowed, await SendAsync(client, tenant, key, HttpMethod.Trace));
            }

            // The probe is a TRACE on the model's path: the node makes its whole access decision on it (the key, its
            // tenant, the model) and then answers 405 (TRACE is in no endpoint's allow-list) with nothing sent
            // upstream; with the key revoked it answers 401. So each poll is a request refused by the key, at a
            // fraction of a forwarded request's cost to the node and to this process, which serves the upstream.
            // Each node is polled from a thread of its own with blocking sends and a 1 ms sleep: no thread-pool hop,
            // timer or continuation between a node's answer and the next poll, nothing shared with the test
            // framework's synchronization context. The threads start before the clock and wait for it.
            var clock = new Stopwatch();
            var started = default(DateTime);
            using var go = new ManualResetEventSlim();
            var polling = clients.Select(client => Poll(client, tenant, key, go, () => started + clock.Elapsed, _topology)).ToList();
            var cpuBefore = cpu.Read();
            clock.Start();
            started = DateTime.UtcNow;
            var answered = started;
            var revoke = Task.Run(async () =>
            {
                using var response = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/api-keys/{keyId}/revoke", new { });
                answered = DateTime.UtcNow;
                return response.StatusCode;
            });
            go.Set();
            var perNode = await Task.WhenAll(polling);
            var window = clock.Elapsed;
            var cpuAfter = cpu.Read();
            Assert.Equal(HttpStatusCode.OK, await revoke);
            foreach (var client in clients)
            {
                // What a caller sees from then on: the model request itself refused.
                Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, tenant, key));
            }

            if (i >= 0)
            {
                samples.AddRange(perNode.Select((refusal, node) => new PropagationSample(node, started, answered, refusal.Refused, refusal.PollSent, refusal.Polls)));
                cpu.Add(cpuBefore, cpuAfter, window);
            }
        }

        Assert.Equal(Revocations * _topology.NodeCount, samples.Count);
        var totals = samples.Select(s => s.TotalMs).Order().ToList();
        var p50 = PropagationBreakdown.Percentile(totals, 0.50);
        var p99 = PropagationBreakdown.Percentile(totals, 0.99);
        var line = string.Create(CultureInfo.InvariantCulture, $"revoke-to-enforce p50={p50:F1}ms p99={p99:F1}ms (target p99 <= 50 ms)");
        // The processes write their timelines in the background: give them a moment to reach the files.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var breakdown = PropagationBreakdown.Describe(samples, ReadShared(Path.Combine(_topology.RunDirectory, TopologySettings.TimelineFile)),
            Enumerable.Range(0, _topology.NodeCount).Select(n => ReadShared(Path.Combine(_topology.StateDirectory(n), TopologySettings.TimelineFile))).ToList()) + "\n" + cpu.Describe();
        output.WriteLine($"{breakdown}\n{line} ({samples.Count} samples, {Revocations} revocations over {_topology.NodeCount} separate-process nodes)");
        if (Environment.GetEnvironmentVariable("IGW_PROPAGATION_REPORT") is { Length: > 0 } report)
        {
            await File.WriteAllTextAsync(report, $"{samples.Count} samples, {Revocations} revocations over {_topology.NodeCount} separate-process nodes\n{breakdown}\n{line}\n");
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, TopologyTenant tenant, string key, HttpMethod? method = null)
    {
        using var request = Request(tenant, key, method ?? HttpMethod.Get);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpRequestMessage Request(TopologyTenant tenant, string key, HttpMethod method)
    {
        var request = new HttpRequestMessage(method, tenant.Path());
        request.Headers.Authorization = new("Bearer", key);
        return request;
    }

    /// <summary>Polls one node with the TRACE probe until it refuses the key (401), on a thread of its own, from <paramref name="go"/> on.</summary>
    private static Task<NodeRefusal> Poll(HttpClient client, TopologyTenant tenant, string key, ManualResetEventSlim go, Func<DateTime> now, GatewayTopology topology)
    {
        var result = new TaskCompletionSource<NodeRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                go.Wait();
                var first = now();
                for (var polls = 1; ; polls++)
                {
                    var sent = now();
                    using var request = Request(tenant, key, HttpMethod.Trace);
                    using var response = client.Send(request);
                    if (response.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        result.SetResult(new NodeRefusal(sent, now(), polls));
                        return;
                    }

                    Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
                    if (now() - first > TimeSpan.FromSeconds(60))
                    {
                        // The processes' logs are read only then: read on every poll, they cost more than the poll.
                        Assert.Fail($"a node still accepted a revoked key after 60 s\n{topology.Diagnostics()}");
                    }

                    // A short backoff: often enough to see the change within a millisecond or so, rarely enough to
                    // leave the two cores to the system being measured.
                    Thread.Sleep(1);
                }
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        }) { IsBackground = true, Name = "propagation poll" };
        thread.Start();
        return result.Task;
    }

    /// <summary>When the refused request was sent and answered, and how many requests the node was sent until then.</summary>
    private sealed record NodeRefusal(DateTime PollSent, DateTime Refused, int Polls);
}
