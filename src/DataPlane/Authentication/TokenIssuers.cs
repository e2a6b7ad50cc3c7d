using System.Collections.Frozen;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// What a node validates access tokens against, at one revision, built from the snapshot: the platform issuer
/// (its URL, audience and public keys) and the live tenant OAuth clients. Immutable, part of the node's state.
/// </summary>
internal sealed class TokenIssuers
{
    public const int MaxKeyIdLength = 128;

    public static readonly TokenIssuers Empty = new(null, FrozenDictionary<string, OAuthClientEntry>.Empty, FrozenDictionary<(Guid, string), ExternalIssuerEntry>.Empty);

    private TokenIssuers(PlatformIssuerEntry? platform, FrozenDictionary<string, OAuthClientEntry> clients, FrozenDictionary<(Guid, string), ExternalIssuerEntry> external)
    {
        Platform = platform;
        ClientsByClientId = clients;
        External = external;
    }

    /// <summary>The tenants' own issuers, by (tenant id, <c>iss</c>).</summary>
    public FrozenDictionary<(Guid TenantId, string Issuer), ExternalIssuerEntry> External { get; }

    public PlatformIssuerEntry? Platform { get; }

    public FrozenDictionary<string, OAuthClientEntry> ClientsByClientId { get; }

    /// <summary>Builds the issuers of a snapshot; every problem is added to <paramref name="errors"/>.</summary>
    public static TokenIssuers Build(ConfigSnapshot snapshot, IReadOnlySet<Guid> tenantIds, List<string> errors)
    {
        var platform = snapshot.PlatformIssuer;
        var clients = snapshot.OAuthClients ?? [];
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

        var plans = (snapshot.Plans ?? []).ToDictionary(p => p.PlanId);
        var external = new Dictionary<(Guid, string), ExternalIssuerEntry>();
        foreach (var issuer in snapshot.ExternalIssuers ?? [])
        {
            if (!tenantIds.Contains(issuer.TenantId))
            {
                errors.Add($"external issuer {issuer.IssuerId}: its tenant is unknown");
            }
            else if (!Uri.TryCreate(issuer.JwksUrl, UriKind.Absolute, out var jwks) || jwks.Scheme is not ("http" or "https") || jwks.UserInfo.Length > 0)
            {
                errors.Add($"external issuer {issuer.IssuerId}: the JWKS URL is not an absolute http(s) URL");
            }
            else if (string.IsNullOrEmpty(issuer.Issuer) || string.IsNullOrEmpty(issuer.Audience) || string.IsNullOrEmpty(issuer.ClaimName))
            {
                errors.Add($"external issuer {issuer.IssuerId}: the issuer, audience or claim name is empty");
            }
            else if ((issuer.AcceptedTokenTypes ?? []).Count == 0 || issuer.AcceptedTokenTypes!.Any(t => ExternalTokenTypes.Canonical(t) != t))
            {
                errors.Add($"external issuer {issuer.IssuerId}: its accepted token types are empty or unknown");
            }
            else if (issuer.Mappings.GroupBy(m => m.Value, StringComparer.Ordinal).Any(g => g.Count() > 1))
            {
                errors.Add($"external issuer {issuer.IssuerId}: a claim value is mapped twice");
            }
            else if (issuer.Mappings.FirstOrDefault(m => m.PlanId is { } plan && !plans.ContainsKey(plan)) is { } orphan)
            {
                errors.Add($"external issuer {issuer.IssuerId}: the mapping of '{Shorten(orphan.Value)}' names an unknown plan");
            }
            else if (!external.TryAdd((issuer.TenantId, issuer.Issuer), new ExternalIssuerEntry(issuer, jwks, plans)))
            {
                errors.Add($"external issuer {issuer.IssuerId}: the tenant has this issuer twice");
            }
        }

        return new TokenIssuers(entry, byClientId.ToFrozenDictionary(StringComparer.Ordinal), external.ToFrozenDictionary());
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

/// <summary>A tenant's own issuer: where its keys are, what its tokens must say, and what its claim values grant.</summary>
internal sealed class ExternalIssuerEntry
{
    public ExternalIssuerEntry(ExternalIssuerSnapshot issuer, Uri jwksUrl, IReadOnlyDictionary<Guid, PlanSnapshot> plans)
    {
        Source = issuer;
        JwksUrl = jwksUrl;
        AcceptsJwtType = issuer.AcceptedTokenTypes.Contains(ExternalTokenTypes.Jwt, StringComparer.Ordinal);
        var accessTokens = issuer.AcceptedTokenTypes.Contains(ExternalTokenTypes.AccessToken, StringComparer.Ordinal);
        ValidTypes = [.. accessTokens ? new[] { "at+jwt", "application/at+jwt" } : [], .. AcceptsJwtType ? new[] { ExternalTokenTypes.Jwt } : []];

        Mappings = issuer.Mappings.ToFrozenDictionary(
            m => m.Value,
            m => new ClaimGrant(m.AllowedModels.ToFrozenSet(StringComparer.Ordinal), m.PlanId is { } plan ? new PlanEntry(plans[plan]) : null),
            StringComparer.Ordinal);
    }

    /// <summary>The snapshot item (a record: equal content means the same issuer settings).</summary>
    public ExternalIssuerSnapshot Source { get; }

    public Guid Id => Source.IssuerId;

    public Guid TenantId => Source.TenantId;

    public Uri JwksUrl { get; }

    /// <summary>The issuer opted in to <c>typ: JWT</c> (tokens that look like id tokens stay refused).</summary>
    public bool AcceptsJwtType { get; }

    /// <summary>The header <c>typ</c> values its tokens may carry, as the token handler compares them.</summary>
    public string[] ValidTypes { get; }

    public FrozenDictionary<string, ClaimGrant> Mappings { get; }
}

/// <summary>What one claim value grants: models, and the plan whose per-credential limits apply (null: the tenant's).</summary>
internal sealed record ClaimGrant(FrozenSet<string> Models, PlanEntry? Plan);
