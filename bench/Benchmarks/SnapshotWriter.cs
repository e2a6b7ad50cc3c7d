using System.Security.Cryptography;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.Benchmarks;

/// <summary>
/// Writes the encrypted last-known-good snapshot a data-plane node loads at start, so it serves with no control
/// plane: tenant <c>bench</c>, model <c>echo</c> to the upstream, one API key, limits that never reject.
/// </summary>
internal static class SnapshotWriter
{
    public static int Run(string directory, string upstream, string keyFile, string? snapshotKey)
    {
        byte[] key;
        if (snapshotKey is null)
        {
            key = RandomNumberGenerator.GetBytes(32);
        }
        else
        {
            key = Convert.FromBase64String(snapshotKey);
            if (key.Length != 32)
            {
                throw new ArgumentException("--snapshot-key must be base64 of 32 bytes");
            }
        }

        if (!Uri.TryCreate(upstream, UriKind.Absolute, out _))
        {
            throw new ArgumentException("--upstream must be an absolute URL");
        }

        var apiKey = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var snapshot = Build(upstream, apiKey);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "snapshot.bin"), LastKnownGoodStore.Encrypt(snapshot, key));
        File.WriteAllText(keyFile, apiKey);
        Console.WriteLine(Convert.ToBase64String(key));
        return 0;
    }

    internal static ConfigSnapshot Build(string upstream, string apiKey)
    {
        var planId = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
        var tenantId = Guid.Parse("00000000-0000-0000-0000-0000000000b1");
        var publicId = ApiKeyText.PublicIdOf(apiKey);
        return new ConfigSnapshot
        {
            Revision = 1,
            CompiledAt = DateTimeOffset.UtcNow,
            ContentHash = "bench",
            Plans =
            [
                new PlanSnapshot
                {
                    PlanId = planId,
                    Name = "bench",
                    RequestsPerSecondPerKey = 1e6,
                    BurstPerKey = 1_000_000,
                    RequestsPerSecondPerTenant = 1e6,
                    BurstPerTenant = 1_000_000,
                    MaxRequestBodyBytes = 1024 * 1024,
                },
            ],
            Tenants = [new TenantSnapshot { TenantId = tenantId, Slug = "bench", Status = TenantState.Active, PlanId = planId }],
            Routes =
            [
                new RouteSnapshot
                {
                    TenantId = tenantId,
                    TenantSlug = "bench",
                    Model = "echo",
                    EndpointId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
                    BaseUrl = upstream.TrimEnd('/'),
                    UpstreamHeaderName = "Authorization",
                    UpstreamHeaderValue = "Bearer upstream-credential-for-bench",
                    TimeoutSeconds = 60,
                },
            ],
            Keys =
            [
                new ApiKeySnapshot
                {
                    KeyId = Guid.Parse("00000000-0000-0000-0000-0000000000d1"),
                    PublicId = publicId,
                    TenantId = tenantId,
                    Hash = Convert.ToHexStringLower(ApiKeyText.Hash(apiKey)),
                },
            ],
        };
    }
}
