using System.Security.Cryptography;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// Finding the key a caller presents, in one place for every credential validator: shape and checksum first (no
/// lookup for a mistyped or invented key), then the SHA-256 looked up in the state's <see cref="KeyTable"/> and
/// compared in constant time. A key that passes is remembered by its text with the state, so a repeat caller skips
/// the hash; a new state (a revocation, say) starts with none remembered.
/// </summary>
internal static class ApiKeyLookup
{
    /// <summary>The key entry (tenant, public id, models, expiry) of a presented key text, or null when no key has it.</summary>
    public static KeyEntry? Find(NodeState state, ReadOnlySpan<char> presented)
    {
        if (state.VerifiedKeys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(presented, out var known))
        {
            return known;
        }

        if (presented.IsEmpty || !ApiKeyText.IsWellFormed(presented))
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[ApiKeyText.HashLength];
        ApiKeyText.Hash(presented, hash);
        if (!TryFindByHash(state, hash, out var record))
        {
            return null;
        }

        var key = KeyEntry.From(record, state.Keys.Models);
        if (state.VerifiedKeys.Count < NodeState.MaxVerifiedKeys)
        {
            state.VerifiedKeys.TryAdd(new string(presented), key);
        }

        return key;
    }

    /// <summary>The compact record of the key whose text hashes to <paramref name="sha256"/>; allocates nothing.</summary>
    public static bool TryFindByHash(NodeState state, ReadOnlySpan<byte> sha256, out KeyRecord record)
    {
        if (!state.Keys.TryFind(KeyHash.From(sha256), out record))
        {
            return false;
        }

        Span<byte> stored = stackalloc byte[ApiKeyText.HashLength];
        record.Hash.ToHash256().WriteTo(stored);
        return CryptographicOperations.FixedTimeEquals(stored, sha256);
    }
}
