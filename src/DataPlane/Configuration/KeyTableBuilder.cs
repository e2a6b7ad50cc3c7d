using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Makes the next <see cref="KeyTable"/>: from nothing (a full snapshot, streamed key by key) or from the current
/// table plus a delta. A shard is copied the first time a change touches it; untouched shards stay the very same
/// arrays. Every problem is collected; a builder with problems must not be finished into a served table.
/// </summary>
internal sealed class KeyTableBuilder
{
    private readonly KeyTable _basis;
    private readonly Func<Guid, bool> _tenantKnown;
    private readonly List<string> _errors;
    private readonly Dictionary<int, List<KeyRecord>> _hashShards = [];
    private readonly Dictionary<int, List<IdEntry>> _idShards = [];
    private KeySum _sum;

    public KeyTableBuilder(KeyTable basis, Func<Guid, bool> tenantKnown, List<string> errors)
    {
        _basis = basis;
        _tenantKnown = tenantKnown;
        _errors = errors;
        _sum = basis.Sum;
    }

    /// <summary>Adds a key, replacing any with the same key id (an issue or a rotation).</summary>
    public void Upsert(CompactKey key)
    {
        Remove(key.KeyId);
        if (!_tenantKnown(key.TenantId))
        {
            _errors.Add($"key {CompactKey.UnpackPublicId(key.PublicId)}: its tenant is unknown");
            return;
        }

        var models = key.AllowedModels is { } sorted ? _basis.Models.Intern(sorted) : null;
        var current = KeyHash.From(key.Hash);
        AddRecord(new KeyRecord(current, key.KeyId, key.TenantId, key.PublicId, key.ExpiresAtMs, CompactKey.Never, models));
        if (key.HasPrevious)
        {
            var previous = KeyHash.From(key.PreviousHash);
            AddRecord(new KeyRecord(previous, key.KeyId, key.TenantId, key.PublicId, key.ExpiresAtMs, key.PreviousUntilMs, models));
        }

        _sum = _sum.Add(key.Digest());
    }

    /// <summary>Removes a key (a revocation); nothing happens when it is not held.</summary>
    public void Remove(Guid keyId)
    {
        var idShard = IdShard(KeyTable.IdShard(keyId));
        var start = 0;
        while (start < idShard.Count && idShard[start].KeyId != keyId)
        {
            start++;
        }

        if (start == idShard.Count)
        {
            return;
        }

        var end = start;
        while (end + 1 < idShard.Count && idShard[end + 1].KeyId == keyId)
        {
            end++;
        }

        var entries = idShard.GetRange(start, end - start + 1).ToArray();
        _sum = _sum.Subtract(Compose(entries).Digest());
        foreach (var entry in entries)
        {
            var hashShard = HashShard(KeyTable.HashShard(entry.Hash));
            hashShard.RemoveAt(IndexOf(hashShard, entry.Hash));
        }

        idShard.RemoveRange(start, entries.Length);
    }

    /// <summary>The new table: touched shards sorted into new arrays, the rest shared with the basis.</summary>
    public KeyTable Finish()
    {
        var byHash = (KeyRecord[][])_basis.ByHash.Clone();
        foreach (var (index, list) in _hashShards)
        {
            var shard = list.Count == 0 ? KeyTable.NoRecords : list.ToArray();
            Array.Sort(shard, static (x, y) => KeyTable.Compare(x.Hash, y.Hash));
            for (var i = 1; i < shard.Length; i++)
            {
                if (shard[i].Hash == shard[i - 1].Hash)
                {
                    _errors.Add($"key {CompactKey.UnpackPublicId(shard[i].PublicId)}: its hash appears twice");
                }
            }

            byHash[index] = shard;
        }

        var byId = (IdEntry[][])_basis.ById.Clone();
        foreach (var (index, list) in _idShards)
        {
            var shard = list.Count == 0 ? KeyTable.NoIds : list.ToArray();
            Array.Sort(shard, static (x, y) => x.KeyId != y.KeyId ? x.KeyId.CompareTo(y.KeyId) : KeyTable.Compare(x.Hash, y.Hash));
            byId[index] = shard;
        }

        return new KeyTable(byHash, byId, _sum, _basis.Models);
    }

    private void AddRecord(KeyRecord record)
    {
        HashShard(KeyTable.HashShard(record.Hash)).Add(record);
        var ids = IdShard(KeyTable.IdShard(record.KeyId));

        // Kept sorted by key id, so a key's entries are next to each other for Remove.
        var at = ids.Count;
        while (at > 0 && ids[at - 1].KeyId.CompareTo(record.KeyId) > 0)
        {
            at--;
        }

        ids.Insert(at, new IdEntry(record.KeyId, record.Hash));
    }

    private static int IndexOf(List<KeyRecord> shard, KeyHash hash)
    {
        for (var i = 0; i < shard.Count; i++)
        {
            if (shard[i].Hash == hash)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A key's compact form from the records this builder holds now (the basis, or this batch's own).</summary>
    private CompactKey Compose(IdEntry[] entries)
    {
        KeyRecord current = default, previous = default;
        var hasPrevious = false;
        foreach (var entry in entries)
        {
            var shard = HashShard(KeyTable.HashShard(entry.Hash));
            var record = shard[IndexOf(shard, entry.Hash)];
            if (record.GraceUntilMs == CompactKey.Never)
            {
                current = record;
            }
            else
            {
                previous = record;
                hasPrevious = true;
            }
        }

        return new CompactKey
        {
            KeyId = current.KeyId, TenantId = current.TenantId, PublicId = current.PublicId, Hash = current.Hash.ToHash256(),
            PreviousHash = hasPrevious ? previous.Hash.ToHash256() : default, PreviousUntilMs = hasPrevious ? previous.GraceUntilMs : CompactKey.Never,
            ExpiresAtMs = current.ExpiresAtMs, AllowedModels = current.Models?.Sorted,
        };
    }

    private List<KeyRecord> HashShard(int index)
    {
        if (!_hashShards.TryGetValue(index, out var list))
        {
            _hashShards[index] = list = [.. _basis.ByHash[index]];
        }

        return list;
    }

    private List<IdEntry> IdShard(int index)
    {
        if (!_idShards.TryGetValue(index, out var list))
        {
            _idShards[index] = list = [.. _basis.ById[index]];
        }

        return list;
    }
}
