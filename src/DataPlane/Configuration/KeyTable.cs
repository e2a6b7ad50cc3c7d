using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.InteropServices;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Every API key a node serves, as bytes: records of fixed size (hash, ids, packed public id, instants, a reference
/// to a shared model list) in sorted arrays, one array per shard of the hash space, plus a second sharded index by
/// key id for deltas. Immutable and persistent: a delta copies only the shards it touches and shares the others with
/// the previous table, so applying a change to a million keys costs a few kilobytes, and a request holding the old
/// table keeps seeing one consistent revision. Lookups are a binary search and allocate nothing.
/// </summary>
internal sealed class KeyTable
{
    public const int ShardBits = 12;
    public const int ShardCount = 1 << ShardBits;

    internal static readonly KeyRecord[] NoRecords = [];
    internal static readonly IdEntry[] NoIds = [];

    internal KeyTable(KeyRecord[][] byHash, IdEntry[][] byId, KeySum sum, ModelLists models)
    {
        ByHash = byHash;
        ById = byId;
        Sum = sum;
        Models = models;
    }

    public static KeyTable Empty { get; } = new(Filled(NoRecords), Filled(NoIds), default, new ModelLists());

    /// <summary>The sum of the served keys' digests: this table's part of the content hash.</summary>
    public KeySum Sum { get; }

    /// <summary>Keys served (a key in a rotation grace counts once).</summary>
    public long Count => Sum.Count;

    /// <summary>Records (a key in a rotation grace has two: its current and its previous secret).</summary>
    public long RecordCount
    {
        get
        {
            long n = 0;
            foreach (var shard in ByHash)
            {
                n += shard.Length;
            }

            return n;
        }
    }

    internal KeyRecord[][] ByHash { get; }

    internal IdEntry[][] ById { get; }

    internal ModelLists Models { get; }

    /// <summary>The record found by the SHA-256 of a key's text, without allocating.</summary>
    public bool TryFind(in KeyHash hash, out KeyRecord record)
    {
        var shard = ByHash[HashShard(hash)];
        int low = 0, high = shard.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = Compare(shard[mid].Hash, hash);
            if (order == 0)
            {
                record = shard[mid];
                return true;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        record = default;
        return false;
    }

    /// <summary>Every record (a key in a rotation grace has two).</summary>
    public IEnumerable<KeyRecord> Records() => ByHash.SelectMany(shard => shard);

    /// <summary>Every key, in its compact form (for the last-known-good file).</summary>
    public IEnumerable<CompactKey> Enumerate()
    {
        foreach (var shard in ById)
        {
            for (var i = 0; i < shard.Length; i++)
            {
                var end = i;
                while (end + 1 < shard.Length && shard[end + 1].KeyId == shard[i].KeyId)
                {
                    end++;
                }

                yield return Compose(shard.AsSpan(i, end - i + 1));
                i = end;
            }
        }
    }

    /// <summary>The compact key of one key id from its id entries (one, or two during a rotation grace).</summary>
    internal CompactKey Compose(ReadOnlySpan<IdEntry> entries)
    {
        KeyRecord current = default, previous = default;
        var hasPrevious = false;
        foreach (var entry in entries)
        {
            TryFind(entry.Hash, out var record);
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
            KeyId = current.KeyId,
            TenantId = current.TenantId,
            PublicId = current.PublicId,
            Hash = current.Hash.ToHash256(),
            PreviousHash = hasPrevious ? previous.Hash.ToHash256() : default,
            PreviousUntilMs = hasPrevious ? previous.GraceUntilMs : CompactKey.Never,
            ExpiresAtMs = current.ExpiresAtMs,
            AllowedModels = Models[current.Models]?.Sorted,
        };
    }

    internal static int HashShard(in KeyHash hash) => (int)(hash.A >> (64 - ShardBits));

    internal static int IdShard(Guid keyId) => (int)(BitOperations.Crc32C(0, (ulong)keyId.GetHashCode()) & (ShardCount - 1));

    internal static int Compare(in KeyHash x, in KeyHash y) =>
        x.A != y.A ? x.A.CompareTo(y.A) : x.B != y.B ? x.B.CompareTo(y.B) : x.C != y.C ? x.C.CompareTo(y.C) : x.D.CompareTo(y.D);

    private static T[][] Filled<T>(T[] value)
    {
        var shards = new T[ShardCount][];
        Array.Fill(shards, value);
        return shards;
    }
}

/// <summary>
/// One secret of one key, as a node stores it: 96 bytes, no object of its own and no reference either (the model
/// list is an index into <see cref="ModelLists"/>), so the garbage collector never scans a million records.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct KeyRecord(KeyHash Hash, Guid KeyId, Guid TenantId, ulong PublicId, long ExpiresAtMs, long GraceUntilMs, int Models);

/// <summary>The key-id index: which hashes a key id has.</summary>
internal readonly record struct IdEntry(Guid KeyId, KeyHash Hash);

/// <summary>A model allow-list shared by every key that has the same one.</summary>
internal sealed class ModelList(string[] sorted)
{
    public string[] Sorted { get; } = sorted;

    public FrozenSet<string> Set { get; } = sorted.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>
/// The model lists keys use, each held once and named by an index (0: none, every model the plan allows). Tables of
/// one node share it; it is only added to under the apply lock, and readers see an array that never changes.
/// </summary>
internal sealed class ModelLists
{
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);
    private volatile ModelList?[] _lists = [null];

    public ModelList? this[int index] => _lists[index];

    public int Intern(string[] sorted)
    {
        var name = string.Join('\n', sorted);
        lock (_indexes)
        {
            if (!_indexes.TryGetValue(name, out var index))
            {
                index = _lists.Length;
                _lists = [.. _lists, new ModelList(sorted)];
                _indexes[name] = index;
            }

            return index;
        }
    }
}
