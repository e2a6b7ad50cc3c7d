using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>
/// The content hash of a revision without compiling it, for the drift check of a node that polls at the current
/// revision. From the newest compiled snapshot it replays the key changes since (the common case: keys issued,
/// rotated, revoked), adding and subtracting key digests as a node does; the rest of the configuration is the
/// compiled one. Anything else since (a plan, tenant, route, block or issuer changed, a protected or missing
/// revision) gives null, and the caller compiles.
/// </summary>
internal static class ContentHashTracker
{
    /// <summary>Past this many changes, replaying is no longer cheaper than a compile worth keeping.</summary>
    private const int MaxReplayedChanges = 50_000;

    public static async Task<string?> TryReplayAsync(
        CompiledSnapshot basis, Guid epoch, long revision, ControlPlaneDbContext db, IDataProtectionProvider protection, CancellationToken ct)
    {
        var from = basis.Snapshot.Revision;
        if (basis.Snapshot.Epoch != epoch || revision < from)
        {
            return null;
        }

        if (revision == from)
        {
            return basis.Snapshot.ContentHash;
        }

        var rows = await db.ConfigRevisions.AsNoTracking()
            .Where(r => r.Revision > from && r.Revision <= revision)
            .OrderBy(r => r.Revision)
            .ToListAsync(ct);
        if (rows.Count != revision - from || rows.Any(r => r.Kind != ConfigChangeKind.Delta || r.ChangesProtected))
        {
            return null;
        }

        var tenants = basis.Snapshot.Tenants.Select(t => t.TenantId).ToHashSet();
        var changed = new Dictionary<Guid, CompactKey?>();
        var sum = basis.KeySum;
        var replayed = 0;
        foreach (var row in rows)
        {
            foreach (var change in ConfigPublisher.ReadChanges(row, protection))
            {
                if (++replayed > MaxReplayedChanges)
                {
                    return null;
                }

                (Guid id, CompactKey? next) = change switch
                {
                    ApiKeyChanged added when tenants.Contains(added.Key.TenantId) => (added.Key.KeyId, CompactKey.From(added.Key, out _)),
                    ApiKeyChanged other => (other.Key.KeyId, null),
                    ApiKeyRemoved removed => (removed.KeyId, null),
                    _ => (Guid.Empty, null),
                };
                if (id == Guid.Empty)
                {
                    // Not a key change: the rest of the configuration moved, which only a compile can tell.
                    return null;
                }

                if (Held(basis.Keys, changed, id) is { } previous)
                {
                    sum = sum.Subtract(previous.Digest());
                }

                if (next is { } key)
                {
                    sum = sum.Add(key.Digest());
                }

                changed[id] = next;
            }
        }

        return ConfigContent.Combine(basis.RestDigest, sum);
    }

    private static CompactKey? Held(CompactKey[] keys, Dictionary<Guid, CompactKey?> changed, Guid id)
    {
        if (changed.TryGetValue(id, out var replaced))
        {
            return replaced;
        }

        int low = 0, high = keys.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = keys[middle].KeyId.CompareTo(id);
            if (order == 0)
            {
                return keys[middle];
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }
}
