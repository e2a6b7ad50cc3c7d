using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>The egress allow-list at connect time: the node allows 127.0.0.1/32 without ports, which never covers the product's own ports.</summary>
[Collection(NodeCollection.Name)]
public sealed class EgressTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("egress");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ANameThatResolvesToAnAllowedAddressOnTheControlPlanesPort_IsRefusedAtConnectTime()
    {
        // Public when registered, loopback when the node connects (DNS rebinding), on the control plane's own port.
        var name = $"rb{Guid.NewGuid():N}"[..12] + ".example.com";
        cluster.ControlPlaneDns.Set(name, "93.184.215.14");
        cluster.NodeDns.Set(name, "127.0.0.1");
        var toControlPlane = await cluster.CreateTenantAsync(_upstream, baseUrl: $"http://{name}:{cluster.ControlPlanePort}/api/v1");
        var toModel = await cluster.CreateTenantAsync(_upstream, baseUrl: $"http://{name}:{_upstream.Port}/v1");

        var refused = await RawHttp.GetAsync(cluster.NodeAddress(0), toControlPlane.Path("/tenants"), toControlPlane.Key);
        var allowed = await RawHttp.GetAsync(cluster.NodeAddress(0), toModel.Path("/models"), toModel.Key);

        Assert.Equal(502, refused.Status);
        Assert.DoesNotContain("tenants", refused.Body);
        Assert.DoesNotContain(cluster.ControlPlanePort.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Body);
        Assert.True(cluster.Node(0).Logs.Contains("not for this port or tenant"));
        Assert.Equal(200, allowed.Status);
        Assert.Single(_upstream.Requests);
    }
}
