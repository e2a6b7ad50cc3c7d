using InferenceGateway.DataPlane;
using InferenceGateway.Security.Networking;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.EndToEnd.Tests.Infrastructure;

/// <summary>The control plane as a real server on a fixed port (so a restart keeps its address).</summary>
public sealed class ControlPlaneHost : WebApplicationFactory<ControlPlane.ControlPlaneMarker>
{
    private readonly GatewayCluster _cluster;

    public ControlPlaneHost(GatewayCluster cluster)
    {
        _cluster = cluster;
        this.UseKestrel();
    }

    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // The address as a hosting setting, not UseKestrel(port): the factory sets a port by editing the server's
        // addresses after the host is built, which races with the app's own start on a loaded machine.
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, $"http://127.0.0.1:{_cluster.ControlPlanePort}");
        builder.UseSetting("ControlPlane:Database:ConnectionString", _cluster.Database.ConnectionString);
        builder.UseSetting("ControlPlane:Admin:BootstrapToken", GatewayCluster.AdminToken);
        // The platform issuer at its real address: nodes validate iss against it.
        builder.UseSetting("ControlPlane:Identity:Issuer", $"http://127.0.0.1:{_cluster.ControlPlanePort}/");
        builder.UseSetting("ControlPlane:Identity:RequireHttps", "false");
        for (var i = 0; i < _cluster.NodeCount; i++)
        {
            builder.UseSetting($"ControlPlane:Nodes:Credentials:{_cluster.BusPrefix}-node-{i}", GatewayCluster.NodeTokenFor(i));
        }

        builder.UseSetting($"ControlPlane:Nodes:Credentials:{_cluster.ProbeNodeId}", GatewayCluster.ProbeToken);

        // Nodes restart within seconds in these tests; a short lease lets the new process take its node id over.
        builder.UseSetting("ControlPlane:Nodes:InstanceLease", "00:00:02");
        builder.UseSetting("ControlPlane:DataProtection:MasterKey", Convert.ToBase64String(_cluster.MasterKey));
        // Every test upstream is on loopback, and several tenants share one: say so (the product's ports stay refused).
        builder.UseSetting("ControlPlane:Endpoints:AllowedPrivateNetworks:0", "127.0.0.1/32 tenants=*");
        builder.UseSetting("Bus:Port", _cluster.Rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Bus:EntityPrefix", _cluster.BusPrefix);
        builder.UseSetting("Bus:PublishTimeout", "00:00:02");
        // Capture everything the product itself logs, at every level, to search it for secrets.
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:InferenceGateway", "Trace");
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(s => s.AddSingleton<IHostResolver>(_cluster.ControlPlaneDns));
        _cluster.ConfigureControlPlane(builder);
    }
}

/// <summary>A data-plane node as a real server, with its own id, state directory and (fake) DNS.</summary>
public sealed class DataPlaneHost : WebApplicationFactory<DataPlaneMarker>
{
    private readonly GatewayCluster _cluster;

    public DataPlaneHost(GatewayCluster cluster, int index)
    {
        _cluster = cluster;
        Index = index;
        NodeId = $"{cluster.BusPrefix}-node-{index}";
        this.UseKestrel();
    }

    public int Index { get; }

    public string NodeId { get; }

    public string StateDirectory => Path.Combine(_cluster.StateRoot, NodeId);

    public string AccessLogFile => Path.Combine(StateDirectory, "access.log");

    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        builder.UseSetting("DataPlane:NodeId", NodeId);
        builder.UseSetting("DataPlane:ControlPlaneUrl", $"http://127.0.0.1:{_cluster.ControlPlanePort}");
        builder.UseSetting("DataPlane:NodeToken", GatewayCluster.NodeTokenFor(Index));
        builder.UseSetting("DataPlane:SnapshotKey", Convert.ToBase64String(_cluster.SnapshotKey));
        builder.UseSetting("DataPlane:StateDirectory", StateDirectory);
        builder.UseSetting("DataPlane:AccessLog:Path", AccessLogFile);
        builder.UseSetting("DataPlane:HeartbeatInterval", "00:00:01");
        builder.UseSetting("DataPlane:PollInterval", "00:00:02");
        // Key rotation at a test issuer is picked up within a second, not thirty.
        builder.UseSetting("DataPlane:JwksRefetchInterval", "00:00:01");
        builder.UseSetting("DataPlane:AllowedPrivateNetworks:0", "127.0.0.1/32 tenants=*");
        builder.UseSetting("Bus:Port", _cluster.Rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Bus:EntityPrefix", _cluster.BusPrefix);
        // Capture everything the product itself logs, at every level, to search it for secrets.
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:InferenceGateway", "Trace");
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureTestServices(s => s.AddSingleton<IHostResolver>(_cluster.NodeDns));
        foreach (var (name, value) in _cluster.ExtraNodeSettings)
        {
            builder.UseSetting(name, value);
        }
    }
}
