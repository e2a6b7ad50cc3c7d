using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.Security.Keys;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>Revisions as they arrive on the bus: out of order, twice, and with gaps.</summary>
public sealed class ConfigRevisionConsumerTests
{
    [Fact]
    public async Task Consume_RevisionsOutOfOrderAndTwice_NodeEndsOnTheHighestAndAppliesEachOnce()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<NodeConfig>()
            .Configure<DataPlaneOptions>(o =>
            {
                o.SnapshotKey = Convert.ToBase64String(new byte[32]);
                o.StateDirectory = Path.Combine(Path.GetTempPath(), $"igw-consumer-{Guid.NewGuid():N}");
                o.ControlPlaneUrl = "http://127.0.0.1:9";
            })
            .AddSingleton<LastKnownGoodStore>()
            .AddSingleton(new SnapshotClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }))
            .AddSingleton<ConfigSynchronizer>()
            .AddMassTransitTestHarness(x => x.AddConsumer<ConfigRevisionConsumer>(c => c.UseConcurrentMessageLimit(1)))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var config = provider.GetRequiredService<NodeConfig>();
        var (snapshot, _) = SnapshotFactory.Create(revision: 1);
        config.ApplySnapshot(snapshot, "pull");
        var applied = new List<long>();
        config.Applied += s => applied.Add(s.Revision);
        var tenant = snapshot.Tenants[0].TenantId;
        var keys = Enumerable.Range(0, 3).Select(_ => ApiKeyText.Create(ApiKeyText.NewPublicId())).ToList();
        ConfigRevisionPublished Delta(long revision) => new()
        {
            MessageId = Guid.NewGuid(),
            Revision = revision,
            ChangedAt = DateTimeOffset.UtcNow,
            Kind = ConfigChangeKind.Delta,
            Changes = [new ConfigChange { Type = ConfigChangeType.ApiKeyAdded, Key = SnapshotFactory.Key(keys[(int)revision - 2], tenant) }],
        };

        foreach (var revision in new long[] { 3, 2, 2, 3, 4, 4, 2 })
        {
            await harness.Bus.Publish(Delta(revision));
            Assert.True(await harness.Consumed.Any<ConfigRevisionPublished>(m => m.Context.Message.MessageId != Guid.Empty));
        }

        await harness.InactivityTask;
        Assert.Equal(7, harness.Consumed.Select<ConfigRevisionPublished>().Count());
        Assert.Equal(4, config.Revision);
        Assert.Equal([2L, 3L, 4L], applied);
        await harness.Stop();
    }
}
