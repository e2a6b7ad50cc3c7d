using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Budgets;

/// <summary>Two node processes sharing budget counters in a Redis server of their own (so a test can stop it), under a key prefix of their own.</summary>
public sealed class BudgetTopologyFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public GatewayTopology Topology { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = new RedisServer(Path.Combine(AppContext.BaseDirectory, "topology"));
        await Redis.StartAsync();
        Topology = await GatewayTopology.StartAsync(new TopologyOptions(TopologyFixture.Binaries, "budgets")
        {
            NodeCount = 2,
            NodeEnvironment = new Dictionary<string, string>
            {
                ["DataPlane__Redis__ConnectionString"] = Redis.ConnectionString,
                ["DataPlane__Redis__KeyPrefix"] = $"igwtest:{Guid.NewGuid():N}:",
                ["DataPlane__Redis__ConnectTimeout"] = "00:00:00.500",
                ["DataPlane__Redis__HealthInterval"] = "00:00:00.200",
            },
        });
    }

    public async Task DisposeAsync()
    {
        await Topology.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
