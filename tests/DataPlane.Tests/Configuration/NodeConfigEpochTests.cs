using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>A control plane whose database was restored or rebuilt: another epoch, or a lower revision.</summary>
public sealed class NodeConfigEpochTests
{
    private readonly NodeConfig _config = new(new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<NodeConfig>.Instance);

    private bool Knows(string key) => _config.Current!.Keys.TryFind(KeyHash.From(ApiKeyText.Hash(key)), out _);

    [Fact]
    public void ApplySnapshot_AnotherEpochAtALowerRevision_ReplacesTheWholeStateAndReportsIt()
    {
        var (old, oldKeys) = SnapshotFactory.Create(revision: 40);
        _config.ApplySnapshot(old, "pull");
        var (rebuilt, newKeys) = SnapshotFactory.Create(revision: 3);
        var epoch = Guid.NewGuid();

        var outcome = _config.ApplySnapshot(SnapshotFactory.WithHash(rebuilt with { Epoch = epoch }), "control plane");

        Assert.Equal(ApplyOutcome.Applied, outcome);
        Assert.Equal(3, _config.Revision);
        Assert.Equal(epoch, _config.Epoch);
        Assert.False(Knows(oldKeys[0]));
        Assert.True(Knows(newKeys[0]));
        Assert.Contains("another epoch", _config.LastReset);
        Assert.NotNull(_config.LastResetAt);
    }

    [Fact]
    public void ApplySnapshot_SameEpochLowerRevision_ReplacesTheStateOfADivergedNode()
    {
        var (ahead, aheadKeys) = SnapshotFactory.Create(revision: 12);
        _config.ApplySnapshot(ahead, "pull");
        var (restored, restoredKeys) = SnapshotFactory.Create(revision: 9);

        Assert.Equal(ApplyOutcome.Applied, _config.ApplySnapshot(restored, "control plane"));

        Assert.Equal(9, _config.Revision);
        Assert.False(Knows(aheadKeys[0]));
        Assert.True(Knows(restoredKeys[0]));
        Assert.Contains("lower revision (12 replaced by 9)", _config.LastReset);
    }

    [Fact]
    public void ApplySnapshot_SameRevisionOtherContent_ReplacesADriftedState()
    {
        var (snapshot, keys) = SnapshotFactory.Create(revision: 5);
        _config.ApplySnapshot(snapshot, "pull");
        var drifted = SnapshotFactory.WithHash(snapshot with { Keys = [.. snapshot.Keys, SnapshotFactory.Key(ApiKeyText.Create(ApiKeyText.NewPublicId()), snapshot.Tenants[0].TenantId)] });
        _config.ApplySnapshot(drifted, "pull");
        Assert.Equal(drifted.ContentHash, _config.Current!.ContentHash);

        Assert.Equal(ApplyOutcome.Applied, _config.ApplySnapshot(snapshot, "control plane"));

        Assert.Equal(snapshot.ContentHash, _config.Current!.ContentHash);
        Assert.Contains("drift", _config.LastReset);
        Assert.True(Knows(keys[0]));
    }

    [Fact]
    public void ApplyDelta_AnotherEpoch_IsAGapAndChangesNothing()
    {
        var (snapshot, _) = SnapshotFactory.Create(revision: 5);
        _config.ApplySnapshot(snapshot, "pull");
        var key = ApiKeyText.Create(ApiKeyText.NewPublicId());

        var outcome = _config.ApplyDelta(Guid.NewGuid(), 5, 6, [new ApiKeyChanged { Key = SnapshotFactory.Key(key, snapshot.Tenants[0].TenantId) }], NodeConfig.BusOrigin);

        Assert.Equal(ApplyOutcome.Gap, outcome);
        Assert.Equal(5, _config.Revision);
        Assert.False(Knows(key));
    }

    [Fact]
    public void ApplySnapshot_FromDiskWhileHoldingState_IsIgnored()
    {
        var (current, _) = SnapshotFactory.Create(revision: 8);
        _config.ApplySnapshot(current, "pull");
        var (stored, _) = SnapshotFactory.Create(revision: 2);

        Assert.Equal(ApplyOutcome.AlreadyCurrent, _config.ApplySnapshot(stored with { Epoch = Guid.NewGuid() }, "disk", authoritative: false));

        Assert.Equal(8, _config.Revision);
        Assert.Null(_config.LastReset);
    }
}

/// <summary>The rules the admin API checks are the ones the node checks (one definition in Contracts).</summary>
public sealed class SharedRulesTests
{
    [Theory]
    [InlineData(InferenceGateway.Contracts.Rules.ConfigRules.MaxTimeoutSeconds, true)]
    [InlineData(InferenceGateway.Contracts.Rules.ConfigRules.MaxTimeoutSeconds + 1, false)]
    [InlineData(0, false)]
    public void ApplySnapshot_EndpointTimeout_IsBoundedAsTheAdminApiBoundsIt(int timeout, bool accepted)
    {
        var config = new NodeConfig(new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<NodeConfig>.Instance);
        var (snapshot, _) = SnapshotFactory.Create(revision: 1);

        var outcome = config.ApplySnapshot(snapshot with { Routes = [snapshot.Routes[0] with { TimeoutSeconds = timeout }, .. snapshot.Routes.Skip(1)] }, "pull");

        Assert.Equal(accepted ? ApplyOutcome.Applied : ApplyOutcome.Rejected, outcome);
    }

    [Fact]
    public void ApplySnapshot_TenantSlugTheApiWouldRefuse_IsRejected()
    {
        var config = new NodeConfig(new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<NodeConfig>.Instance);
        var (snapshot, _) = SnapshotFactory.Create(revision: 1, tenants: 1);

        var outcome = config.ApplySnapshot(snapshot with { Tenants = [snapshot.Tenants[0] with { Slug = "Not_A_Slug" }], Routes = [] }, "pull");

        Assert.Equal(ApplyOutcome.Rejected, outcome);
        Assert.Contains("slug is not valid", config.LastApplyError);
    }
}
