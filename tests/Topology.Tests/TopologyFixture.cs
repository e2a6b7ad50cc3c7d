using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests;

/// <summary>Starts a topology and an upstream for one test, and always disposes both (also when the test fails).</summary>
internal static class TopologyFixture
{
    public static TopologyBinaries Binaries { get; } = TopologyBinaries.FromMetadata(typeof(TopologyFixture).Assembly);

    public static Task<GatewayTopology> StartAsync(string name, bool dedicatedPostgres = false, int nodes = 3, IReadOnlyDictionary<string, string>? nodeEnvironment = null) =>
        GatewayTopology.StartAsync(new TopologyOptions(Binaries, name) { DedicatedPostgres = dedicatedPostgres, NodeCount = nodes, NodeEnvironment = nodeEnvironment });

    public static Task<RecordingUpstream> UpstreamAsync(string name) => RecordingUpstream.StartAsync(name);
}
