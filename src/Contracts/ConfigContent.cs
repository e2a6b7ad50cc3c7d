using System.Security.Cryptography;
using System.Text.Json;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.Contracts;

/// <summary>
/// The canonical content hash of a configuration: SHA-256 (hex) of the snapshot's JSON with every list in a fixed
/// order and the fields that do not describe what is served (revision, compile time, epoch, signing keys, the hash
/// itself) blanked. The compiler and every node compute it the same way, so equal hashes mean equal configuration.
/// </summary>
public static class ConfigContent
{
    public static string Hash(ConfigSnapshot snapshot)
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
            Keys = [.. (snapshot.Keys ?? []).OrderBy(k => k.KeyId)],
            Blocks = [.. (snapshot.Blocks ?? []).OrderBy(b => b.BlockId)],
            OAuthClients = [.. (snapshot.OAuthClients ?? []).OrderBy(c => c.Id)],
            ExternalIssuers = [.. (snapshot.ExternalIssuers ?? []).OrderBy(i => i.IssuerId)],
            PlatformIssuer = snapshot.PlatformIssuer is { } issuer ? issuer with { Keys = [.. issuer.Keys.OrderBy(k => k.KeyId, StringComparer.Ordinal)] } : null,
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(content, ContractJson.Options)));
    }
}
