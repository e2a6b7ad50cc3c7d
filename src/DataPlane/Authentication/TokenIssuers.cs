using System.Collections.Frozen;
using InferenceGateway.Contracts.Snapshots;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// What a node validates access tokens against, at one revision, built from the snapshot: the platform issuer
/// (its URL, audience and public keys) and the live tenant OAuth clients. Immutable, part of the node's state.
/// </summary>
internal sealed class TokenIssuers
{
    public const int MaxKeyIdLength = 128;

    public static readonly TokenIssuers Empty = new(null, FrozenDictionary<string, OAuthClientEntry>.Empty);

    private TokenIssuers(PlatformIssuerEntry? platform, FrozenDictionary<string, OAuthClientEntry> clients)
    {
        Platform = platform;
        ClientsByClientId = clients;
    }

    public PlatformIssuerEntry? Platform { get; }

    public FrozenDictionary<string, OAuthClientEntry> ClientsByClientId { get; }

    /// <summary>Builds the issuers of a snapshot; every problem is added to <paramref name="errors"/>.</summary>
    public static TokenIssuers Build(PlatformIssuerSnapshot? platform, IEnumerable<OAuthClientSnapshot> clients, IReadOnlySet<Guid> tenantIds, List<string> errors)
    {
        PlatformIssuerEntry? entry = null;
        if (platform is not null)
        {
            if (!Uri.TryCreate(platform.Issuer, UriKind.Absolute, out _) || string.IsNullOrWhiteSpace(platform.Audience))
            {
                errors.Add("the platform issuer's URL or audience is not valid");
            }

            var keys = new Dictionary<string, PlatformKey>(StringComparer.Ordinal);
            foreach (var key in platform.Keys)
            {
                if (PlatformKey.TryCreate(key) is not { } parsed)
                {
                    errors.Add($"platform issuer key '{Shorten(key.KeyId)}' is not a valid RSA public key");
                }
                else if (!keys.TryAdd(key.KeyId, parsed))
                {
                    errors.Add($"platform issuer key '{Shorten(key.KeyId)}' appears twice");
                }
            }

            entry = new PlatformIssuerEntry(platform.Issuer, platform.Audience, keys.ToFrozenDictionary(StringComparer.Ordinal));
        }

        var byClientId = new Dictionary<string, OAuthClientEntry>(StringComparer.Ordinal);
        foreach (var client in clients)
        {
            if (!tenantIds.Contains(client.TenantId))
            {
                errors.Add($"OAuth client {client.Id}: its tenant is unknown");
            }
            else if (string.IsNullOrEmpty(client.ClientId) || !byClientId.TryAdd(client.ClientId, new OAuthClientEntry(client)))
            {
                errors.Add($"OAuth client {client.Id}: its client id is empty or appears twice");
            }
        }

        return new TokenIssuers(entry, byClientId.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 32 ? value : value[..32] + "...";
}

internal sealed class PlatformIssuerEntry(string issuer, string audience, FrozenDictionary<string, PlatformKey> keys)
{
    public string Issuer { get; } = issuer;

    public string Audience { get; } = audience;

    public FrozenDictionary<string, PlatformKey> Keys { get; } = keys;
}

/// <summary>One public signing key of the platform issuer, ready for signature checks.</summary>
internal sealed class PlatformKey
{
    private PlatformKey(string keyId, SecurityKey key, DateTimeOffset? retiresAt)
    {
        KeyId = keyId;
        Key = key;
        RetiresAt = retiresAt;
    }

    public string KeyId { get; }

    public SecurityKey Key { get; }

    public DateTimeOffset? RetiresAt { get; }

    /// <summary>A retired key signs nothing valid any more, even before the revision that removes it arrives.</summary>
    public bool IsAcceptedAt(DateTimeOffset now) => RetiresAt is not { } retires || retires > now;

    public static PlatformKey? TryCreate(IssuerKeySnapshot snapshot)
    {
        if (string.IsNullOrEmpty(snapshot.KeyId) || snapshot.KeyId.Length > TokenIssuers.MaxKeyIdLength)
        {
            return null;
        }

        try
        {
            var modulus = Base64UrlEncoder.DecodeBytes(snapshot.N);
            var exponent = Base64UrlEncoder.DecodeBytes(snapshot.E);
            if (modulus.Length < 256 || exponent.Length is 0 or > 8)
            {
                // RSA below 2048 bits is refused.
                return null;
            }

            var key = new RsaSecurityKey(new System.Security.Cryptography.RSAParameters { Modulus = modulus, Exponent = exponent }) { KeyId = snapshot.KeyId };
            return new PlatformKey(snapshot.KeyId, key, snapshot.RetiresAt);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>A live tenant OAuth client: whose tokens it signs for, and the models its scopes may name.</summary>
internal sealed class OAuthClientEntry(OAuthClientSnapshot client)
{
    public Guid Id { get; } = client.Id;

    public Guid TenantId { get; } = client.TenantId;

    public string ClientId { get; } = client.ClientId;

    public FrozenSet<string> Models { get; } = client.AllowedModels.ToFrozenSet(StringComparer.Ordinal);
}
