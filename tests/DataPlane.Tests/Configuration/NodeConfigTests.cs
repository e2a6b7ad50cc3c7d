using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InferenceGateway.DataPlane.Tests.Configuration;

public sealed class NodeConfigTests
{
    private readonly NodeConfig _config = new(new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<NodeConfig>.Instance);

    private static readonly Guid Epoch = SnapshotFactory.Epoch;

    private static ApiKeyChanged Added(string key, Guid tenant) => new() { Key = SnapshotFactory.Key(key, tenant) };

    private bool Knows(string key) => _config.Current!.Keys.TryFind(KeyHash.From(ApiKeyText.Hash(key)), out _);

    [Fact]
    public void ApplyDelta_OutOfOrderAndTwice_EndsOnTheHighestRevisionAndAppliesEachOnce()
    {
        var (snapshot, _) = SnapshotFactory.Create(revision: 10);
        var tenant = snapshot.Tenants[0].TenantId;
        var applied = new List<long>();
        _config.Applied += s => applied.Add(s.Revision);
        Assert.Equal(ApplyOutcome.Applied, _config.ApplySnapshot(snapshot, "test"));
        var k11 = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var k12 = ApiKeyText.Create(ApiKeyText.NewPublicId());

        Assert.Equal(ApplyOutcome.Gap, _config.ApplyDelta(Epoch, 11, 12, [Added(k12, tenant)], "bus"));
        Assert.Equal(ApplyOutcome.Applied, _config.ApplyDelta(Epoch, 10, 11, [Added(k11, tenant)], "bus"));
        Assert.Equal(ApplyOutcome.AlreadyCurrent, _config.ApplyDelta(Epoch, 10, 11, [Added(k11, tenant)], "bus"));
        Assert.Equal(ApplyOutcome.Applied, _config.ApplyDelta(Epoch, 11, 12, [Added(k12, tenant)], "bus"));
        Assert.Equal(ApplyOutcome.AlreadyCurrent, _config.ApplyDelta(Epoch, 11, 12, [Added(k12, tenant)], "bus"));
        Assert.Equal(ApplyOutcome.AlreadyCurrent, _config.ApplySnapshot(SnapshotFactory.WithHash(_config.Current!.ToSnapshot()), "pull"));
        Assert.Equal(ApplyOutcome.AlreadyCurrent, _config.ApplySnapshot(snapshot, "disk", authoritative: false));

        Assert.Equal(12, _config.Revision);
        Assert.Equal([10L, 11L, 12L], applied);
        Assert.True(Knows(k11) && Knows(k12));
        Assert.Null(_config.LastReset);
    }

    [Fact]
    public void ApplySnapshot_EmptyConfigurationAtRevisionZero_IsHeldAndServed()
    {
        Assert.Null(_config.Current);

        var empty = SnapshotFactory.WithHash(new ConfigSnapshot { Revision = 0, Epoch = Epoch, CompiledAt = DateTimeOffset.UtcNow, ContentHash = string.Empty });
        var outcome = _config.ApplySnapshot(empty, "pull");

        Assert.Equal(ApplyOutcome.Applied, outcome);
        Assert.NotNull(_config.Current);
        Assert.Equal(0, _config.Revision);
        Assert.Equal(ApplyOutcome.AlreadyCurrent, _config.ApplySnapshot(empty with { CompiledAt = DateTimeOffset.UtcNow.AddSeconds(1) }, "pull"));
    }

    [Fact]
    public void ApplyDelta_Revocation_RemovesTheKeyAndItsPreviousSecret()
    {
        var (snapshot, keys) = SnapshotFactory.Create(revision: 1);
        var tenant = snapshot.Tenants[0].TenantId;
        _config.ApplySnapshot(snapshot, "test");
        var rotated = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var record = snapshot.Keys[0] with { Hash = Convert.ToHexStringLower(ApiKeyText.Hash(rotated)), PreviousHash = snapshot.Keys[0].Hash, PreviousHashExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };

        _config.ApplyDelta(Epoch, 1, 2, [new ApiKeyChanged { Key = record }], "bus");
        Assert.True(Knows(keys[0]) && Knows(rotated));

        _config.ApplyDelta(Epoch, 2, 3, [new ApiKeyRemoved { KeyId = record.KeyId }], "bus");
        Assert.False(Knows(keys[0]));
        Assert.False(Knows(rotated));
        Assert.True(Knows(keys[1]));
        Assert.DoesNotContain(_config.Current!.ToSnapshot().Keys, k => k.KeyId == record.KeyId);
        Assert.Equal(tenant, _config.Current.Source.Tenants[0].TenantId);
    }

    [Fact]
    public void ApplySnapshot_Invalid_KeepsTheOldStateAndReportsEveryProblem()
    {
        var (good, keys) = SnapshotFactory.Create(revision: 5);
        _config.ApplySnapshot(good, "test");
        var bad = good with
        {
            Revision = 6,
            Routes = [.. good.Routes, good.Routes[0]],
            Keys = [.. good.Keys, good.Keys[0] with { KeyId = Guid.NewGuid(), Hash = "not-hex" }],
            Tenants = [.. good.Tenants, good.Tenants[0] with { TenantId = Guid.NewGuid(), Slug = "orphan", PlanId = Guid.NewGuid() }],
        };

        Assert.Equal(ApplyOutcome.Rejected, _config.ApplySnapshot(bad, "pull"));

        Assert.Equal(5, _config.Revision);
        Assert.True(Knows(keys[0]));
        Assert.Contains("revision 6 rejected", _config.LastApplyError);
        Assert.Contains("appears twice", _config.LastApplyError);
        Assert.Contains("hash", _config.LastApplyError);
        Assert.Contains("plan is missing", _config.LastApplyError);
    }

    [Fact]
    public void ApplyDelta_KeyOfAnUnknownTenant_IsRejectedAndTheRevisionStays()
    {
        var (snapshot, _) = SnapshotFactory.Create(revision: 3);
        _config.ApplySnapshot(snapshot, "test");

        var outcome = _config.ApplyDelta(Epoch, 3, 4, [Added(ApiKeyText.Create(ApiKeyText.NewPublicId()), Guid.NewGuid())], "bus");

        Assert.Equal(ApplyOutcome.Rejected, outcome);
        Assert.Equal(3, _config.Revision);
        Assert.Contains("tenant is unknown", _config.LastApplyError);
    }

    [Fact]
    public void ApplySnapshot_HundredThousandTenants_BuildsATableThatFindsEachOfThem()
    {
        var (snapshot, keys) = SnapshotFactory.Create(revision: 1, tenants: 100_000);

        Assert.Equal(ApplyOutcome.Applied, _config.ApplySnapshot(snapshot, "test"));

        var state = _config.Current!;
        Assert.Equal(100_000, state.TenantsBySlug.Count);
        foreach (var i in new[] { 0, 1, 49_999, 99_999 })
        {
            var tenant = state.FindTenant($"tenant-{i:D6}");
            Assert.NotNull(tenant);
            Assert.Equal($"https://t{i}.example.com/v1", tenant.FindRoute("chat")!.BaseUrl);
            Assert.True(state.Keys.TryFind(KeyHash.From(ApiKeyText.Hash(keys[i])), out var key));
            Assert.Equal(tenant.Id, key.TenantId);
        }

        // A revocation on top of the large table is a delta, not a rebuild of the routes.
        Assert.Equal(ApplyOutcome.Applied, _config.ApplyDelta(Epoch, 1, 2, [new ApiKeyRemoved { KeyId = snapshot.Keys[7].KeyId }], "bus"));
        Assert.Same(state.TenantsBySlug, _config.Current!.TenantsBySlug);
        Assert.False(Knows(keys[7]));
    }
}
