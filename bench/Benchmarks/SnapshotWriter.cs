using System.Security.Cryptography;
using InferenceGateway.Contracts.Snapshots;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.Benchmarks;

/// <summary>
/// Writes the encrypted last-known-good snapshot a data-plane node loads at start, so it serves with no control
/// plane: tenant <c>bench</c>, model <c>echo</c> to the upstream, one API key, limits that never reject; and a
/// platform issuer with one OAuth client, whose access token (valid two hours) goes to <c>&lt;key-file&gt;.jwt</c>.
/// </summary>
internal static class SnapshotWriter
{
    /// <param name="clusterDirectory">When set, also writes there the same snapshot with both rate limits counted cluster-wide (the dp-cluster row).</param>
    /// <param name="keys">Keys in the snapshot: the bench key plus <c>keys - 1</c> others of the same tenant (random hashes nobody presents), for a node holding many keys.</param>
    public static int Run(string directory, string upstream, string keyFile, string? snapshotKey, string? clusterDirectory = null, int keys = 1)
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
        using var issuerKey = RSA.Create(2048);
        var snapshot = Build(upstream, apiKey, issuerKey);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "snapshot.bin"), keys <= 1 ? LastKnownGoodStore.Encrypt(snapshot, key) : WithManyKeys(snapshot, keys, key));
        if (clusterDirectory is not null)
        {
            var cluster = snapshot with
            {
                Plans = [.. snapshot.Plans.Select(p => p with { RateLimitScopePerKey = "cluster", RateLimitScopePerTenant = "cluster" })],
            };
            Directory.CreateDirectory(clusterDirectory);
            File.WriteAllBytes(Path.Combine(clusterDirectory, "snapshot.bin"), LastKnownGoodStore.Encrypt(cluster, key));
        }

        File.WriteAllText(keyFile, apiKey);
        File.WriteAllText(keyFile + ".jwt", AccessToken(issuerKey));
        Console.WriteLine(Convert.ToBase64String(key));
        return 0;
    }

    /// <summary>The snapshot with <paramref name="count"/> keys in the compact form, streamed (a million keys are never objects).</summary>
    private static byte[] WithManyKeys(ConfigSnapshot snapshot, int count, byte[] key)
    {
        var benchKey = CompactKey.From(snapshot.Keys[0], out var problem) ?? throw new InvalidOperationException(problem);
        return LastKnownGoodStore.Encrypt(snapshot with { Keys = [] }, count, Others(benchKey, count - 1).Prepend(benchKey), key);
    }

    private static IEnumerable<CompactKey> Others(CompactKey template, int count)
    {
        var random = new byte[Hash256.Length + 8];
        for (var i = 0; i < count; i++)
        {
            RandomNumberGenerator.Fill(random);
            yield return template with
            {
                KeyId = Guid.CreateVersion7(),
                PublicId = BitConverter.ToUInt64(random, Hash256.Length) >> 4,
                Hash = Hash256.From(random),
            };
        }
    }

    private const string Issuer = "https://issuer.bench.invalid/";
    private const string IssuerKeyId = "bench-key-1";
    private const string ClientId = "igwc_bench";

    /// <summary>What the control plane's token endpoint gives the bench client: an at+jwt for model <c>echo</c>.</summary>
    private static string AccessToken(RSA issuerKey) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = PlatformTokens.Audience,
            Expires = DateTime.UtcNow.AddHours(2),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = ClientId, [PlatformTokens.TenantClaim] = "00000000-0000-0000-0000-0000000000b1", ["scope"] = "model:echo" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(issuerKey) { KeyId = IssuerKeyId }, SecurityAlgorithms.RsaSha256),
        });

    internal static ConfigSnapshot Build(string upstream, string apiKey, RSA? issuerKey = null)
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
            OAuthClients = [new OAuthClientSnapshot { Id = Guid.Parse("00000000-0000-0000-0000-0000000000e1"), TenantId = tenantId, ClientId = ClientId, AllowedModels = ["echo"] }],
            PlatformIssuer = issuerKey is null ? null : new PlatformIssuerSnapshot
            {
                Issuer = Issuer,
                Audience = PlatformTokens.Audience,
                Keys =
                [
                    new IssuerKeySnapshot
                    {
                        KeyId = IssuerKeyId,
                        N = Base64UrlEncoder.Encode(issuerKey.ExportParameters(false).Modulus),
                        E = Base64UrlEncoder.Encode(issuerKey.ExportParameters(false).Exponent),
                        ActivatesAt = DateTimeOffset.UtcNow.AddMinutes(-1),
                    },
                ],
            },
        };
    }
}
