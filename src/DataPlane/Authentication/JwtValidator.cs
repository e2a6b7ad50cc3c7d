using System.Collections.Frozen;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The JWT validator for the platform issuer's access tokens, offline from the keys in the snapshot. Refused: an
/// algorithm other than RS256, PS256 or ES256 (so never <c>none</c> or HMAC), a <c>typ</c> other than <c>at+jwt</c>
/// (an id token; an external issuer may opt in to <c>JWT</c>), a <c>kid</c> outside the published set, a wrong issuer or audience, <c>exp</c>/<c>nbf</c> beyond
/// 30 s of skew, a client that is not live, a token without a tenant. <c>jku</c>, <c>x5u</c>, <c>jwk</c> and
/// <c>x5c</c> are never read: keys come only from the snapshot. A verified token is cached by its text.
/// </summary>
internal sealed partial class JwtValidator(JwtCache cache, JwksCache jwks)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Longer than any access token we issue with a few dozen scopes; bounds the work an invented token costs.</summary>
    public const int MaxTokenLength = 8192;

    private static readonly FrozenSet<string> Algorithms = FrozenSet.Create(StringComparer.Ordinal, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public ValueTask<Caller?> ValidateAsync(ReadOnlySpan<char> token, NodeState state, TenantEntry? tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength || (state.Issuers.Platform is null && state.Issuers.External.Count == 0))
        {
            return ValueTask.FromResult<Caller?>(null);
        }

        if (cache.Find(token, now) is { } known)
        {
            return ValueTask.FromResult(known.ExternalIssuerId is null ? Resolve(known, state, now) : ResolveExternal(known, state));
        }

        return VerifyAsync(new string(token), state, tenant, now, cancellationToken);
    }

    /// <summary>The caller of a verified token at <paramref name="state"/>: re-checked whenever the revision changed, cheap otherwise.</summary>
    private static Caller? Resolve(ValidatedToken token, NodeState state, DateTimeOffset now)
    {
        if (token.Resolved is { } resolved && ReferenceEquals(resolved.State, state))
        {
            return resolved.Key!.IsAcceptedAt(now) ? resolved.Caller : null;
        }

        var issuers = state.Issuers;
        if (issuers.Platform is not { } platform || platform.Issuer != token.Issuer || platform.Audience != token.Audience
            || !platform.Keys.TryGetValue(token.KeyId, out var key) || !key.IsAcceptedAt(now)
            || !issuers.ClientsByClientId.TryGetValue(token.ClientId, out var client) || client.TenantId != token.TenantId
            || !state.TenantsById.TryGetValue(client.TenantId, out var tenant))
        {
            return null;
        }

        var caller = new Caller
        {
            TenantId = client.TenantId,
            CredentialId = client.Id,
            PublicId = client.ClientId,
            Kind = CredentialKind.OAuthClient,
            // The token's scopes narrow the client's models; a scope for a model the client lost no longer counts.
            AllowedModels = token.ScopeModels.Where(client.Models.Contains).ToFrozenSet(StringComparer.Ordinal),
            Plan = tenant.Plan,
        };
        token.Resolved = new Resolution(state, key, caller);
        return caller;
    }

    private async ValueTask<Caller?> VerifyAsync(string text, NodeState state, TenantEntry? tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(text);
        }
        catch (ArgumentException)
        {
            return null;
        }

        // The header first, before any key is touched: exact algorithm names, the access-token type, a bounded kid.
        // typ JWT passes here only to reach an external issuer that opted in; the platform path refuses it below.
        if (!Algorithms.Contains(jwt.Alg) || !(IsAccessTokenType(jwt.Typ) || jwt.Typ == ExternalTokenTypes.Jwt) || jwt.TryGetHeaderValue<object>("crit", out _)
            || jwt.Kid is not { Length: > 0 and <= TokenIssuers.MaxKeyIdLength } kid)
        {
            return null;
        }

        var issuer = jwt.TryGetPayloadValue<string>("iss", out var iss) ? iss : null;
        if (state.Issuers.Platform is not { } platform || issuer != platform.Issuer)
        {
            // Not the platform's: a token of the path tenant's own issuer, or nothing.
            return tenant is not null && issuer is not null && state.Issuers.External.TryGetValue((tenant.Id, issuer), out var external)
                ? await VerifyExternalAsync(jwt, kid, text, external, state, tenant, now, cancellationToken)
                : null;
        }

        if (!IsAccessTokenType(jwt.Typ) || !platform.Keys.TryGetValue(kid, out var key) || !key.IsAcceptedAt(now))
        {
            return null;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = platform.Issuer,
            ValidAudience = platform.Audience,
            ValidAlgorithms = Algorithms,
            IssuerSigningKey = key.Key,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            // Lifetime is checked below against the node's clock with a fixed skew.
            ValidateLifetime = false,
            ValidTypes = ["at+jwt", "application/at+jwt"],
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid || !LifetimeIsValid(jwt, now, out var expires)
            || !jwt.TryGetPayloadValue<string>(PlatformTokens.TenantClaim, out var tenantText) || !Guid.TryParse(tenantText, out var tenantId)
            || jwt.Subject is not { Length: > 0 } subject)
        {
            return null;
        }

        var validated = new ValidatedToken
        {
            TenantId = tenantId,
            ClientId = subject,
            KeyId = kid,
            Issuer = platform.Issuer,
            Audience = platform.Audience,
            ExpiresAt = expires + ClockSkew,
            ScopeModels = ModelsOf(jwt),
        };
        var caller = Resolve(validated, state, now);
        if (caller is not null)
        {
            cache.Add(text, validated, now);
        }

        return caller;
    }

    private static bool IsAccessTokenType(string? typ) =>
        string.Equals(typ, "at+jwt", StringComparison.OrdinalIgnoreCase) || string.Equals(typ, "application/at+jwt", StringComparison.OrdinalIgnoreCase);

    private static bool LifetimeIsValid(JsonWebToken jwt, DateTimeOffset now, out DateTimeOffset expires)
    {
        expires = default;
        if (!jwt.TryGetPayloadValue<long>("exp", out var exp))
        {
            return false;
        }

        expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (expires + ClockSkew <= now)
        {
            return false;
        }

        return !jwt.TryGetPayloadValue<long>("nbf", out var nbf) || DateTimeOffset.FromUnixTimeSeconds(nbf) - ClockSkew <= now;
    }

    /// <summary>The values of a claim: each string of a list (the token's claims expand arrays), split at spaces.</summary>
    private static IEnumerable<string> ValuesOf(JsonWebToken jwt, string claim) =>
        jwt.Claims.Where(c => c.Type == claim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The models named by the token's <c>scope</c> (a space-separated string, or a list).</summary>
    private static FrozenSet<string> ModelsOf(JsonWebToken jwt)
    {
        return ValuesOf(jwt, "scope").Where(s => s.StartsWith(PlatformTokens.ModelScopePrefix, StringComparison.Ordinal))
            .Select(s => s[PlatformTokens.ModelScopePrefix.Length..])
            .ToFrozenSet(StringComparer.Ordinal);
    }
}
