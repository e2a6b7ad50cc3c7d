using System.Globalization;
using System.Security.Cryptography;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>
/// Every setting the topology's processes get, in one place: secrets generated per topology, the node
/// credentials, the bus users, the intervals. Changing a configuration key of the product is a change here only.
/// </summary>
public sealed class TopologySettings
{
    public string AdminToken { get; } = Secret();

    public byte[] MasterKey { get; } = RandomNumberGenerator.GetBytes(32);

    public byte[] SnapshotKey { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// Long on purpose: a change that reaches a node within a test travelled the bus (or a pull the bus
    /// triggered), never the periodic poll.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public IReadOnlyList<string> NodeTokens { get; private init; } = [];

    public static TopologySettings ForNodes(int count) => new() { NodeTokens = Enumerable.Range(0, count).Select(_ => Secret()).ToList() };

    public static string NodeId(int index) => $"node-{index + 1}";

    /// <summary>The propagation timeline's file, relative to each process's working directory (the run directory, a node's state directory).</summary>
    public const string TimelineFile = "propagation-timeline.log";

    public IReadOnlyDictionary<string, string> ControlPlane(int port, string connectionString, RabbitMqServer broker)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ControlPlane__Database__ConnectionString"] = connectionString,
            ["ControlPlane__Admin__BootstrapToken"] = AdminToken,
            ["ControlPlane__DataProtection__MasterKey"] = Convert.ToBase64String(MasterKey),
            ["ControlPlane__Endpoints__AllowedPrivateNetworks__0"] = "127.0.0.1/32",
            // The platform issuer at its real address (nodes validate iss against it), over plain HTTP on loopback.
            ["ControlPlane__Identity__Issuer"] = $"http://127.0.0.1:{port}/",
            ["ControlPlane__Identity__RequireHttps"] = "false",
            ["Bus__Username"] = broker.ControlPlaneUser,
            ["Bus__Password"] = broker.ControlPlanePassword,
        };
        for (var i = 0; i < NodeTokens.Count; i++)
        {
            // One credential per node id.
            settings[$"ControlPlane__Nodes__Credentials__{NodeId(i)}"] = NodeTokens[i];
        }

        return WithCommon(settings, broker);
    }

    public IReadOnlyDictionary<string, string> Node(int index, int port, int controlPlanePort, RabbitMqServer broker, string stateDirectory) =>
        WithCommon(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["DataPlane__NodeId"] = NodeId(index),
            ["DataPlane__ControlPlaneUrl"] = $"http://127.0.0.1:{controlPlanePort}",
            ["DataPlane__NodeToken"] = NodeTokens[index],
            ["DataPlane__SnapshotKey"] = Convert.ToBase64String(SnapshotKey),
            ["DataPlane__StateDirectory"] = stateDirectory,
            ["DataPlane__HeartbeatInterval"] = HeartbeatInterval.ToString("c", CultureInfo.InvariantCulture),
            ["DataPlane__PollInterval"] = PollInterval.ToString("c", CultureInfo.InvariantCulture),
            ["DataPlane__AllowedPrivateNetworks__0"] = "127.0.0.1/32",
            ["Bus__Username"] = broker.NodeUser,
            ["Bus__Password"] = broker.NodePassword,
        }, broker);

    private static Dictionary<string, string> WithCommon(Dictionary<string, string> settings, RabbitMqServer broker)
    {
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Bus__Transport"] = "RabbitMq";
        settings["Bus__Host"] = "127.0.0.1";
        settings["Bus__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        settings["Bus__EntityPrefix"] = broker.EntityPrefix;
        settings["Logging__Console__FormatterName"] = "simple";
        settings["Logging__Console__FormatterOptions__SingleLine"] = "true";
        settings["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.ffffff ";
        settings["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        // The propagation path's own timestamps (bench/propagation.sh), kept in memory and written in the background,
        // to a file in the process's working directory: the logging stays what a production process has.
        settings["Diagnostics__PropagationTimelinePath"] = TimelineFile;
        if (Environment.GetEnvironmentVariable("IGW_PROPAGATION_DEBUG_LOG") == "1")
        {
            // For comparison only: the Debug console lines the measurement used to read, on the same path.
            settings["Logging__LogLevel__InferenceGateway.ControlPlane.Messaging.OutboxRelay"] = "Debug";
            settings["Logging__LogLevel__InferenceGateway.ControlPlane.Features.Configuration.ConfigPublisher"] = "Debug";
            settings["Logging__LogLevel__InferenceGateway.DataPlane.Configuration.ConfigRevisionConsumer"] = "Debug";
        }

        if (Environment.GetEnvironmentVariable("IGW_PERF_MAP") == "1")
        {
            settings["DOTNET_PerfMapEnabled"] = "1";
        }

        settings["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        return settings;
    }

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
