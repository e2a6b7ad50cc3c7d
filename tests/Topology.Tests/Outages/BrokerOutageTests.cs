using System.Net;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Outages;

/// <summary>The topology's own RabbitMQ node is really stopped and started again; nobody restarts the services.</summary>
public sealed class BrokerOutageTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("broker-outage");
        _topology = await TopologyFixture.StartAsync("broker-outage");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task BrokerStoppedAndStarted_NodesKeepServing_ReconnectAndCatchUp_ThenTheBusDeliversAgain()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        var doomed = await _topology.CreateKeyAsync(tenant.TenantId, "revoked during the outage");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), doomed.Key, HttpStatusCode.OK, "both keys to work on every node");

        var services = Enumerable.Range(0, 3).Select(i => _topology.Node(i)!).Append(_topology.ControlPlane!).ToList();
        var logStart = services.ToDictionary(p => p.Name, p => p.Stdout().Length);
        await _topology.Broker.StopAsync();

        // Admin calls do not wait for the broker (the outbox keeps the change); nodes serve what they have.
        Assert.Equal(HttpStatusCode.OK, (await _topology.RevokeKeyAsync(tenant.TenantId, doomed.KeyId)).StatusCode);
        var addedDuringOutage = await _topology.CreateKeyAsync(tenant.TenantId, "issued during the outage");
        foreach (var node in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, tenant.Path(), tenant.Key));
        }

        // Several reconnect attempts fail meanwhile; each service must report the outage once, not per attempt.
        await Task.Delay(TimeSpan.FromSeconds(8));
        await _topology.Broker.StartAsync(TopologyFixture.Binaries.RepositoryRoot);

        // Nodes reconnect by themselves and catch up with both changes made while the broker was down.
        await _topology.WaitForEveryNodeAsync(tenant.Path(), doomed.Key, HttpStatusCode.Unauthorized, "the key revoked during the outage to be refused", TimeSpan.FromMinutes(3));
        await _topology.WaitForEveryNodeAsync(tenant.Path(), addedDuringOutage.Key, HttpStatusCode.OK, "the key issued during the outage to work", TimeSpan.FromMinutes(3));

        // A change made after the outage travels the bus again (nodes poll only every 10 minutes).
        var afterwards = await _topology.CreateKeyAsync(tenant.TenantId, "issued after the outage");
        await _topology.WaitForEveryNodeAsync(tenant.Path(), afterwards.Key, HttpStatusCode.OK, "the key issued after the outage to work", TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await _topology.RevokeKeyAsync(tenant.TenantId, afterwards.KeyId)).StatusCode);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), afterwards.Key, HttpStatusCode.Unauthorized, "the key revoked after the outage to be refused", TimeSpan.FromMinutes(2));

        // Heartbeats reach the control plane again (its own consumer reconnected too).
        var resumedAfter = DateTimeOffset.UtcNow;
        await Wait.UntilAsync(async () => (await _topology.FleetAsync()).Values.All(n => (DateTimeOffset)n["lastSeenAt"]! > resumedAfter),
            "heartbeats from every node after the outage", TimeSpan.FromMinutes(3), _topology.Diagnostics);

        // One warning when the outage started and one line when it ended, per service; no stack traces.
        foreach (var process in services)
        {
            await Wait.UntilAsync(() => Task.FromResult(process.Stdout()[logStart[process.Name]..].Contains("The message bus is reachable again", StringComparison.Ordinal)),
                $"{process.Name} to report the bus back", TimeSpan.FromMinutes(3), () => process.Tail());
            var log = process.Stdout()[logStart[process.Name]..];
            Assert.Equal(1, Count(log, "The message bus is unreachable"));
            Assert.Equal(1, Count(log, "The message bus is reachable again"));
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception:", log, StringComparison.Ordinal);
        }

        // The relay held the changes made during the outage: one warning, then one line when it published them.
        var controlPlane = _topology.ControlPlane!.Stdout()[logStart["control-plane"]..];
        Assert.Equal(1, Count(controlPlane, "Outbox relay cannot publish"));
        Assert.Equal(1, Count(controlPlane, "Outbox relay publishing again"));
    }

    private static int Count(string text, string what) => text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));
}
