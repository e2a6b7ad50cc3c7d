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
    private readonly bool _bulk;
    private readonly KeySum? _trustedSum;
    private KeySum _sum;

    /// <param name="basis">The table to change (<see cref="KeyTable.Empty"/> for a full snapshot: then keys are appended and sorted once at the end).</param>
    /// <param name="trustedSum">For a full build from this node's own sealed file: the key sum it stored, so a cold start does not hash every key again.</param>
    public KeyTableBuilder(KeyTable basis, Func<Guid, bool> tenantKnown, List<string> errors, KeySum? trustedSum = null)
    {
        _basis = basis;
        _tenantKnown = tenantKnown;
        _errors = errors;
        _sum = basis.Sum;
        _bulk = ReferenceEquals(basis, KeyTable.Empty);
        _trustedSum = _bulk ? trustedSum : null;
    }

    /// <summary>Adds a key, replacing any with the same key id (an issue or a rotation).</summary>
    public void Upsert(CompactKey key)
    {
        if (!_bulk)
        {
            Remove(key.KeyId);
        }

        if (!_tenantKnown(key.TenantId))
        {
            _errors.Add($"key {CompactKey.UnpackPublicId(key.PublicId)}: its tenant is unknown");
            return;
        }

        var models = key.AllowedModels is { } sorted ? _basis.Models.Intern(sorted) : 0;
        var current = KeyHash.From(key.Hash);
        AddRecord(new KeyRecord(current, key.KeyId, key.TenantId, key.PublicId, key.ExpiresAtMs, CompactKey.Never, models));
        if (key.HasPrevious)
        {
            var previous = KeyHash.From(key.PreviousHash);
            AddRecord(new KeyRecord(previous, key.KeyId, key.TenantId, key.PublicId, key.ExpiresAtMs, key.PreviousUntilMs, models));
        }

        _sum = _trustedSum is null ? _sum.Add(key.Digest()) : _sum with { Count = _sum.Count + 1 };
    }

    /// <summary>Removes a key (a revocation); nothing happens when it is not held.</summary>
    public void Remove(Guid keyId)
    {
        if (_bulk)
        {
            throw new InvalidOperationException("A full build only adds keys.");
        }

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
            if (_bulk)
            {
                // Appended in arrival order; a delta keeps its shards sorted as it goes.
                Array.Sort(shard, static (x, y) => x.KeyId != y.KeyId ? x.KeyId.CompareTo(y.KeyId) : KeyTable.Compare(x.Hash, y.Hash));
                DuplicateIds(shard);
            }

            byId[index] = shard;
        }

        if (_trustedSum is { } trusted)
        {
            if (trusted.Count != _sum.Count)
            {
                _errors.Add($"the stored key sum counts {trusted.Count} keys, the file holds {_sum.Count}");
            }

            _sum = trusted;
        }

        return new KeyTable(byHash, byId, _sum, _basis.Models);
    }

    /// <summary>A key id twice in a full snapshot (its records would be ambiguous).</summary>
    private void DuplicateIds(IdEntry[] shard)
    {
        for (var i = 1; i < shard.Length; i++)
        {
            // Two entries of one id are a key and its previous secret; three or two current ones are a duplicate.
            if (shard[i].KeyId == shard[i - 1].KeyId && (i >= 2 && shard[i - 2].KeyId == shard[i].KeyId || !IsPair(shard[i - 1], shard[i])))
            {
                _errors.Add($"key {shard[i].KeyId} appears twice");
            }
        }
    }

    private bool IsPair(IdEntry a, IdEntry b)
    {
        var x = FindRecord(a.Hash);
        var y = FindRecord(b.Hash);
        return (x.GraceUntilMs == CompactKey.Never) != (y.GraceUntilMs == CompactKey.Never);
    }

    private KeyRecord FindRecord(KeyHash hash)
    {
        var shard = HashShard(KeyTable.HashShard(hash));
        var at = IndexOf(shard, hash);
        return at < 0 ? default : shard[at];
    }

    private void AddRecord(KeyRecord record)
    {
        HashShard(KeyTable.HashShard(record.Hash)).Add(record);
        var ids = IdShard(KeyTable.IdShard(record.KeyId));
        if (_bulk)
        {
            ids.Add(new IdEntry(record.KeyId, record.Hash));
            return;
        }

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
            ExpiresAtMs = current.ExpiresAtMs, AllowedModels = _basis.Models[current.Models]?.Sorted,
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
