using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.Security.Keys;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>Revisions as they arrive on the bus: out of order, twice, with gaps, forged and replayed.</summary>
public sealed class ConfigRevisionConsumerTests : IAsyncLifetime, IDisposable
{
    private readonly TestDeltaSigner _signer = new();
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private NodeConfig _config = null!;
    private Guid _tenant;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<NodeConfig>()
            .AddSingleton<DeltaVerifier>()
            .Configure<DataPlaneOptions>(o =>
            {
                o.SnapshotKey = Convert.ToBase64String(new byte[32]);
                o.StateDirectory = Path.Combine(Path.GetTempPath(), $"igw-consumer-{Guid.NewGuid():N}");
                o.ControlPlaneUrl = "http://127.0.0.1:9";
            })
            .AddSingleton<LastKnownGoodStore>()
            .AddSingleton(new SnapshotClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }))
            .AddSingleton<ConfigSynchronizer>()
            .AddSingleton<InferenceGateway.ServiceDefaults.PropagationTimeline>()
            .AddMassTransitTestHarness(x => x.AddConsumer<ConfigRevisionConsumer>(c => c.UseConcurrentMessageLimit(1)))
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _config = _provider.GetRequiredService<NodeConfig>();
        var (snapshot, _) = SnapshotFactory.Create(revision: 1);
        _config.ApplySnapshot(SnapshotFactory.WithHash(snapshot with { SigningKeys = [_signer.PublicKey] }), "pull");
        _tenant = snapshot.Tenants[0].TenantId;
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    public void Dispose() => _signer.Dispose();

    private bool Knows(string key) => _config.Current!.Keys.TryFind(KeyHash.From(ApiKeyText.Hash(key)), out _);

    private ApiKeyChanged Added(string key) => new() { Key = SnapshotFactory.Key(key, _tenant) };

    private async Task PublishAsync(ConfigRevisionPublished message)
    {
        await _harness.Bus.Publish(message);
        Assert.True(await _harness.Consumed.Any<ConfigRevisionPublished>(m => m.Context.Message.MessageId == message.MessageId));
    }

    [Fact]
    public async Task Consume_RevisionsOutOfOrderAndTwice_NodeEndsOnTheHighestAndAppliesEachOnce()
    {
        var applied = new List<long>();
        _config.Applied += s => applied.Add(s.Revision);
        var keys = Enumerable.Range(0, 3).Select(_ => ApiKeyText.Create(ApiKeyText.NewPublicId())).ToList();

        foreach (var revision in new long[] { 3, 2, 2, 3, 4, 4, 2 })
        {
            await PublishAsync(_signer.Delta(SnapshotFactory.Epoch, revision, [Added(keys[(int)revision - 2])]));
        }

        await _harness.InactivityTask;
        Assert.Equal(4, _config.Revision);
        Assert.Equal([2L, 3L, 4L], applied);
        Assert.Equal(0, _config.RejectedMessages);
    }

    [Fact]
    public async Task Consume_ForgedDeltas_AreDroppedCountedAndTheRealRevisionStillApplies()
    {
        using var otherKey = new TestDeltaSigner();
        var forged = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var real = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var genuine = _signer.Delta(SnapshotFactory.Epoch, 2, [Added(real)]);
        var tampered = genuine with
        {
            MessageId = Guid.NewGuid(),
            Payload = genuine.Payload!.Replace(Convert.ToHexStringLower(ApiKeyText.Hash(real)), Convert.ToHexStringLower(ApiKeyText.Hash(forged)), StringComparison.Ordinal),
        };

        await PublishAsync(otherKey.Delta(SnapshotFactory.Epoch, 2, [Added(forged)]));
        await PublishAsync(genuine with { MessageId = Guid.NewGuid(), Signature = null, SigningKeyId = null });
        await PublishAsync(tampered);
        await PublishAsync(otherKey.Delta(SnapshotFactory.Epoch, 2, [Added(forged)]) with { SigningKeyId = _signer.PublicKey.KeyId });

        Assert.Equal(1, _config.Revision);
        Assert.False(Knows(forged));
        Assert.Equal(4, _config.RejectedMessages);
        Assert.Contains("revision 2: bad signature", _config.LastRejection);

        // None of them consumed revision 2: the real change with that number applies.
        await PublishAsync(genuine);

        Assert.Equal(2, _config.Revision);
        Assert.True(Knows(real));
        Assert.False(Knows(forged));
    }

    [Fact]
    public async Task Consume_ReplayedDelta_ChangesNothing()
    {
        var key = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var change = Added(key);
        var issued = _signer.Delta(SnapshotFactory.Epoch, 2, [change]);
        await PublishAsync(issued);
        await PublishAsync(_signer.Delta(SnapshotFactory.Epoch, 3, [new ApiKeyRemoved { KeyId = change.Key.KeyId }]));
        Assert.False(Knows(key));

        // Someone who recorded the issue of the key replays it after its revocation, as it was and as a "new" revision.
        await PublishAsync(issued with { MessageId = Guid.NewGuid() });
        await PublishAsync(issued with { MessageId = Guid.NewGuid(), Revision = 4 });

        Assert.Equal(3, _config.Revision);
        Assert.False(Knows(key));
        Assert.Equal(1, _config.RejectedMessages);
        Assert.Contains("does not match", _config.LastRejection);
    }

    [Fact]
    public async Task Consume_SignedDeltaOfAnotherEpoch_IsNotAppliedFromTheBus()
    {
        var key = ApiKeyText.Create(ApiKeyText.NewPublicId());

        await PublishAsync(_signer.Delta(Guid.NewGuid(), 2, [Added(key)]));

        Assert.Equal(1, _config.Revision);
        Assert.False(Knows(key));
    }
}
