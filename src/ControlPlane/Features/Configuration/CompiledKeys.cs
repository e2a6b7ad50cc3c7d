using System.Collections;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>
/// The keys of a compile, read straight into their compact form: a lean projection streamed from the database (no
/// entity, no tracking, no hex string per key), checked, sorted by id and summed once. At a million keys this is
/// most of a compile; the JSON records of the snapshot are made from it only when a client asks for JSON.
/// </summary>
internal static class CompiledKeys
{
    /// <summary>The live (not revoked) keys of the tenants that are served, compact and in id order, with their sum.</summary>
    /// <remarks>
    /// Keys past their expiry and previous secrets past their grace stay in the snapshot until a mutation removes
    /// them: nodes refuse them by the clock at each request, and what is in the snapshot does not depend on when it
    /// was compiled, so a node and the control plane agree on the content hash whenever they compute it.
    /// </remarks>
    public static async Task<(CompactKey[] Keys, KeySum Sum)> ReadAsync(
        ControlPlaneDbContext db, IReadOnlySet<Guid> tenants, List<string> problems, CancellationToken cancellationToken)
    {
        var keys = new List<CompactKey>();
        var rows = db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null)
            .Select(k => new KeyRow(k.Id, k.TenantId, k.PublicId, k.SecretHash, k.PreviousSecretHash, k.PreviousSecretExpiresAt, k.AllowedModels, k.ExpiresAt))
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (!tenants.Contains(row.TenantId))
            {
                continue;
            }

            if (Compact(row, out var problem) is { } key)
            {
                keys.Add(key);
            }
            else
            {
                problems.Add(problem!);
            }
        }

        var sorted = keys.ToArray();
        Array.Sort(sorted, static (x, y) => x.KeyId.CompareTo(y.KeyId));
        var sum = default(KeySum);
        foreach (ref readonly var key in sorted.AsSpan())
        {
            sum = sum.Add(key.Digest());
        }

        return (sorted, sum);
    }

    /// <summary>A key row in its compact form, the same one <see cref="SnapshotMapper.Key"/> gives through its record.</summary>
    internal static CompactKey? Compact(in KeyRow row, out string? problem)
    {
        problem = null;
        if (row.SecretHash is not { Length: 32 } || row.PreviousSecretHash is { Length: not 32 })
        {
            problem = $"api key {row.Id} left out: its hash is invalid";
            return null;
        }

        if (CompactKey.PackPublicId(row.PublicId) is not { } publicId)
        {
            problem = $"api key {row.Id} left out: its public id is not 12 base32 characters";
            return null;
        }

        var hasPrevious = row.PreviousSecretHash is not null && row.PreviousSecretExpiresAt is not null;
        return new CompactKey
        {
            KeyId = row.Id,
            TenantId = row.TenantId,
            PublicId = publicId,
            Hash = Hash256.From(row.SecretHash),
            PreviousHash = hasPrevious ? Hash256.From(row.PreviousSecretHash!) : default,
            PreviousUntilMs = hasPrevious ? row.PreviousSecretExpiresAt!.Value.ToUnixTimeMilliseconds() : CompactKey.Never,
            ExpiresAtMs = row.ExpiresAt is { } expires ? expires.ToUnixTimeMilliseconds() : CompactKey.Never,
            AllowedModels = row.AllowedModels is { } models ? [.. models.Order(StringComparer.Ordinal)] : null,
        };
    }

    /// <summary>The columns of a key that a snapshot carries.</summary>
    internal readonly record struct KeyRow(
        Guid Id, Guid TenantId, string PublicId, byte[] SecretHash, byte[]? PreviousSecretHash, DateTimeOffset? PreviousSecretExpiresAt,
        List<string>? AllowedModels, DateTimeOffset? ExpiresAt);
}

/// <summary>
/// Compact keys seen as the snapshot's key records: the count is free, and a record (with its hex strings) is made
/// only when read, so a compile of a million keys holds them once, as bytes.
/// </summary>
internal sealed class CompactKeyList(CompactKey[] keys) : IReadOnlyList<ApiKeySnapshot>
{
    public CompactKey[] Compact => keys;

    public int Count => keys.Length;

    public ApiKeySnapshot this[int index] => keys[index].ToSnapshot();

    public IEnumerator<ApiKeySnapshot> GetEnumerator()
    {
        for (var i = 0; i < keys.Length; i++)
        {
            yield return keys[i].ToSnapshot();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
