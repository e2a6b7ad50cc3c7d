using System.Security.Cryptography;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Authentication;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>Memory measured with the whole process's heap: nothing else may run at the same time.</summary>
[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;

/// <summary>The node's key table at scale: what a delta touches, bytes per key, and lookups that allocate nothing.</summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class KeyTableTests
{
    private static readonly Guid Tenant = new(1, 0, 0, new byte[8]);

    /// <summary>Keys with random hashes and ids: what a million issued keys look like to a node.</summary>
    private static CompactKey[] RandomKeys(int count, Guid? tenant = null)
    {
        var bytes = RandomNumberGenerator.GetBytes(count * 48);
        var keys = new CompactKey[count];
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(i * 48, 48);
            keys[i] = new CompactKey
            {
                KeyId = new Guid(span[..16]),
                TenantId = tenant ?? Tenant,
                PublicId = BitConverter.ToUInt64(span[..8]) >> 4,
                Hash = Hash256.From(span[16..48]),
                PreviousUntilMs = CompactKey.Never,
                ExpiresAtMs = CompactKey.Never,
            };
        }

        return keys;
    }

    private static KeyTable Build(IEnumerable<CompactKey> keys)
    {
        var errors = new List<string>();
        var builder = new KeyTableBuilder(KeyTable.Empty, id => id == Tenant, errors);
        foreach (var key in keys)
        {
            builder.Upsert(key);
        }

        var table = builder.Finish();
        Assert.Empty(errors);
        return table;
    }

    [Fact]
    public void Delta_AtOneMillionKeys_TouchesOnlyTheShardsOfTheKeysItChanges()
    {
        var keys = RandomKeys(1_000_000);
        var table = Build(keys);
        Assert.Equal(1_000_000, table.Count);
        var added = RandomKeys(1)[0];
        var revoked = keys[123_456];

        var errors = new List<string>();
        var builder = new KeyTableBuilder(table, id => id == Tenant, errors);
        builder.Upsert(added);
        builder.Remove(revoked.KeyId);
        var next = builder.Finish();

        Assert.Empty(errors);
        var changedHashShards = Enumerable.Range(0, KeyTable.ShardCount).Count(i => !ReferenceEquals(table.ByHash[i], next.ByHash[i]));
        var changedIdShards = Enumerable.Range(0, KeyTable.ShardCount).Count(i => !ReferenceEquals(table.ById[i], next.ById[i]));
        Assert.InRange(changedHashShards, 1, 2);
        Assert.InRange(changedIdShards, 1, 2);
        Assert.True(next.TryFind(KeyHash.From(added.Hash), out _));
        Assert.False(next.TryFind(KeyHash.From(revoked.Hash), out _));
        Assert.True(next.TryFind(KeyHash.From(keys[999_999].Hash), out var untouched));
        Assert.Equal(keys[999_999].KeyId, untouched.KeyId);

        // The table a request already holds still answers for its own revision.
        Assert.True(table.TryFind(KeyHash.From(revoked.Hash), out _));
        Assert.False(table.TryFind(KeyHash.From(added.Hash), out _));

        // The running sum is the sum from scratch.
        Assert.Equal(table.Sum.Add(added.Digest()).Subtract(revoked.Digest()), next.Sum);
        Assert.Equal(1_000_000, next.Count);
    }

    [Fact]
    public void Build_BytesPerKey_StayUnder160()
    {
        const int count = 200_000;
        var keys = RandomKeys(count);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var table = Build(keys);

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perKey = (after - before) / (double)count;
        GC.KeepAlive(table);
        GC.KeepAlive(keys);

        // A record (96 bytes) and its id entry (48): no object per key.
        Assert.InRange(perKey, 100, 160);
    }

    [Fact]
    public void Lookup_ByHashAndByRememberedText_AllocatesNothing()
    {
        var (snapshot, texts) = SnapshotFactory.Create(revision: 1, tenants: 2, keysPerTenant: 50);
        var state = NodeStateBuilder.Build(snapshot, DateTimeOffset.UtcNow, []) ?? throw new InvalidOperationException();
        var hashes = texts.Select(t => ApiKeyText.Hash(t)).ToArray();
        foreach (var text in texts)
        {
            Assert.NotNull(ApiKeyLookup.Find(state, text));
        }

        var found = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 1000; round++)
        {
            foreach (var hash in hashes)
            {
                found += ApiKeyLookup.TryFindByHash(state, hash, out _) ? 1 : 0;
            }

            foreach (var text in texts)
            {
                found += ApiKeyLookup.Find(state, text) is null ? 0 : 1;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
        Assert.Equal(1000 * 2 * texts.Count, found);
    }

    [Fact]
    public void ContentHash_AfterDeltas_EqualsTheHashOfTheSameSnapshotFromScratch()
    {
        var (snapshot, _) = SnapshotFactory.Create(revision: 1, tenants: 3, keysPerTenant: 400);
        var state = NodeStateBuilder.Build(snapshot, DateTimeOffset.UtcNow, []) ?? throw new InvalidOperationException();
        var tenant = snapshot.Tenants[1].TenantId;
        var added = SnapshotFactory.Key(ApiKeyText.Create(ApiKeyText.NewPublicId()), tenant) with { AllowedModels = ["chat", "b-model"], ExpiresAt = DateTimeOffset.UtcNow.AddDays(3) };
        var rotated = snapshot.Keys[5] with { Hash = Convert.ToHexStringLower(ApiKeyText.Hash(ApiKeyText.Create(ApiKeyText.NewPublicId()))), PreviousHash = snapshot.Keys[5].Hash, PreviousHashExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };
        ConfigChange[] changes = [new ApiKeyChanged { Key = added }, new ApiKeyChanged { Key = rotated }, new ApiKeyRemoved { KeyId = snapshot.Keys[9].KeyId }];

        var next = NodeStateBuilder.Apply(state, 2, changes, DateTimeOffset.UtcNow, []) ?? throw new InvalidOperationException();

        var expected = snapshot with
        {
            Keys = [.. snapshot.Keys.Where(k => k.KeyId != snapshot.Keys[9].KeyId && k.KeyId != rotated.KeyId), added, rotated],
        };
        Assert.Equal(ConfigContent.Hash(expected), next.ContentHash);
        Assert.NotEqual(state.ContentHash, next.ContentHash);
        Assert.Same(state.TenantsById, next.TenantsById);
        Assert.Equal(ConfigContent.Hash(next.ToSnapshot()), next.ContentHash);
    }
}
