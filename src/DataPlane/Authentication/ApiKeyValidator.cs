using System.Security.Cryptography;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The API-key validator: shape and checksum before any lookup, then the node's key lookup (by hash, compared in
/// constant time), then expiry and the path's tenant. The caller of a key is built once and kept on its entry.
/// </summary>
internal static class ApiKeyValidator
{
    public static Caller? Validate(ReadOnlySpan<char> presented, NodeState state, TenantEntry? tenant, DateTimeOffset now)
    {
        if (!state.VerifiedKeys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(presented, out var key))
        {
            key = Lookup(presented, state);
        }

        if (key is null || !key.IsValidAt(now) || tenant is null || key.TenantId != tenant.Id)
        {
            return null;
        }

        // An entry lives no longer than its tenant's entry (a plan change rebuilds both), but checking is cheap.
        if (key.Caller is { } cached && ReferenceEquals(cached.Plan, tenant.Plan))
        {
            return cached;
        }

        var caller = new Caller
        {
            TenantId = key.TenantId,
            CredentialId = key.KeyId,
            PublicId = key.PublicId,
            Kind = CredentialKind.ApiKey,
            AllowedModels = key.AllowedModels,
            Plan = tenant.Plan,
        };
        key.Caller = caller;
        return caller;
    }

    /// <summary>The node's key lookup: shape and checksum, then by hash with a constant-time comparison; remembers a key that passes.</summary>
    private static KeyEntry? Lookup(ReadOnlySpan<char> presented, NodeState state)
    {
        if (presented.IsEmpty || !ApiKeyText.IsWellFormed(presented))
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[ApiKeyText.HashLength];
        ApiKeyText.Hash(presented, hash);
        if (!state.KeysByHash.TryGetValue(KeyHash.From(hash), out var key) || !CryptographicOperations.FixedTimeEquals(key.Hash, hash))
        {
            return null;
        }

        if (state.VerifiedKeys.Count < NodeState.MaxVerifiedKeys)
        {
            state.VerifiedKeys.TryAdd(new string(presented), key);
        }

        return key;
    }
}
