using System.Diagnostics;
using System.Globalization;
using System.Net;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Xunit.Abstractions;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// Revoke-to-enforce over three separate-process nodes: for each of 100 keys, the time from the revoke call
/// until each node refuses the key. bench/propagation.sh runs this in Release and prints the figures; as a test it
/// asserts only that every revocation is enforced on every node (never a duration).
/// </summary>
public sealed class PropagationMeasurementTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Revocations = 100;
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("propagation-measurement");
        _topology = await TopologyFixture.StartAsync("propagation-measurement");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Revocation_IsEnforcedOnEveryNode_MeasuredOver100Revocations()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        using var admin = _topology.Admin();
        var clients = Enumerable.Range(0, _topology.NodeCount).Select(_topology.Client).ToList();
        var samples = new List<double>();

        // One revocation first, not counted: it pays for JIT compilation of the revocation path in every process.
        for (var i = -1; i < Revocations; i++)
        {
            var (key, keyId) = await _topology.CreateKeyAsync(tenant.TenantId, $"k{i}");
            await _topology.WaitForEveryNodeAsync(tenant.Path(), key, HttpStatusCode.OK, "the new key to work on every node");

            var clock = Stopwatch.StartNew();
            var revoke = _topology.RevokeKeyAsync(tenant.TenantId, keyId);
            var perNode = await Task.WhenAll(clients.Select(async client =>
            {
                while (await SendAsync(client, tenant, key) != HttpStatusCode.Unauthorized)
                {
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"a node still accepted a revoked key after 60 s\n{_topology.Diagnostics()}");

                    // Poll often, but leave the two cores to the system being measured.
                    await Task.Delay(2);
                }

                return clock.Elapsed.TotalMilliseconds;
            }));
            Assert.Equal(HttpStatusCode.OK, (await revoke).StatusCode);
            if (i >= 0)
            {
                samples.AddRange(perNode);
            }
        }

        Assert.Equal(Revocations * _topology.NodeCount, samples.Count);
        samples.Sort();
        var p50 = samples[(int)(samples.Count * 0.50)];
        var p99 = samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.99) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture, $"revoke-to-enforce p50={p50:F1}ms p99={p99:F1}ms");
        output.WriteLine($"{line} ({samples.Count} samples, {Revocations} revocations over {_topology.NodeCount} separate-process nodes)");
        if (Environment.GetEnvironmentVariable("IGW_PROPAGATION_REPORT") is { Length: > 0 } report)
        {
            await File.WriteAllTextAsync(report, $"{samples.Count} samples, {Revocations} revocations over {_topology.NodeCount} separate-process nodes\n{line}\n");
        }
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, TopologyTenant tenant, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, tenant.Path());
        request.Headers.Authorization = new("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
