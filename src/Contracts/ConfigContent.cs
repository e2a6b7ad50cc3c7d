using System.Security.Cryptography;
using System.Text.Json;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.Contracts;

/// <summary>
/// The canonical content hash of a configuration: SHA-256 (hex) over two parts. The first is the SHA-256 of the
/// snapshot's JSON without its keys, every list in a fixed order and the fields that do not describe what is served
/// (revision, compile time, epoch, signing keys, the hash itself) blanked. The second is the <see cref="KeySum"/> of
/// every key's <see cref="CompactKey.Digest"/>: a sum, so a node holding a million keys updates it per change
/// instead of hashing them all again. The compiler and every node compute it the same way, so equal hashes mean
/// equal configuration.
/// </summary>
public static class ConfigContent
{
    public static string Hash(ConfigSnapshot snapshot)
    {
        var sum = default(KeySum);
        foreach (var key in snapshot.Keys ?? [])
        {
            // A key that has no compact form cannot be served; it still changes the hash, so it is not invisible.
            sum = CompactKey.From(key, out _) is { } compact
                ? sum.Add(compact.Digest())
                : sum.Add(Hash256.From(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(key, ContractJson.Options))));
        }

        return Combine(RestDigest(snapshot), sum);
    }

    /// <summary>SHA-256 of everything but the keys, in canonical form.</summary>
    public static byte[] RestDigest(ConfigSnapshot snapshot)
    {
        var content = snapshot with
        {
            Revision = 0,
            CompiledAt = default,
            ContentHash = string.Empty,
            Epoch = Guid.Empty,
            SigningKeys = [],
            Plans = [.. (snapshot.Plans ?? []).OrderBy(p => p.PlanId)],
            Tenants = [.. (snapshot.Tenants ?? []).OrderBy(t => t.TenantId)],
            Routes = [.. (snapshot.Routes ?? []).OrderBy(r => r.EndpointId)],
            Keys = [],
            Blocks = [.. (snapshot.Blocks ?? []).OrderBy(b => b.BlockId)],
            OAuthClients = [.. (snapshot.OAuthClients ?? []).OrderBy(c => c.Id)],
            ExternalIssuers = [.. (snapshot.ExternalIssuers ?? []).OrderBy(i => i.IssuerId)],
            PlatformIssuer = snapshot.PlatformIssuer is { } issuer ? issuer with { Keys = [.. issuer.Keys.OrderBy(k => k.KeyId, StringComparer.Ordinal)] } : null,
        };
        return SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(content, ContractJson.Options));
    }

    /// <summary>The content hash from its two parts.</summary>
    public static string Combine(ReadOnlySpan<byte> restDigest, KeySum keys)
    {
        Span<byte> input = stackalloc byte[32 + 40];
        restDigest.CopyTo(input);
        keys.WriteTo(input[32..]);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
