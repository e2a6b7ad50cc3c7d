using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using InferenceGateway.DataPlane.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// Tokens of a tenant's own issuer: the same header and lifetime rules as platform tokens, the issuer's audience,
/// a key from its JWKS (fetched by the node, never named by the token), and the models and plan its claim maps to.
/// </summary>
internal sealed partial class JwtValidator
{
    /// <summary>The longest subject put into a caller's public id as it is; longer or unusual ones are hashed.</summary>
    private const int MaxPlainSubject = 128;

    private async ValueTask<Caller?> VerifyExternalAsync(
        JsonWebToken jwt, string kid, string text, ExternalIssuerEntry issuer, NodeState state, TenantEntry tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await jwks.FindAsync(issuer, tenant.Slug, kid, cancellationToken) is not { } key)
        {
            return null;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Source.Issuer,
            ValidAudience = issuer.Source.Audience,
            ValidAlgorithms = Algorithms,
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidateLifetime = false,
            ValidTypes = issuer.ValidTypes,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid || !LifetimeIsValid(jwt, now, out var expires) || jwt.Subject is not { Length: > 0 } subject
            || (jwt.Typ == Contracts.Snapshots.ExternalTokenTypes.Jwt && ExternalTokenShape.LooksLikeIdToken(jwt)))
        {
            return null;
        }

        var validated = new ValidatedToken
        {
            TenantId = tenant.Id,
            ClientId = subject,
            KeyId = kid,
            Issuer = issuer.Source.Issuer,
            Audience = issuer.Source.Audience,
            ExpiresAt = expires + ClockSkew,
            ScopeModels = FrozenSet<string>.Empty,
            ExternalIssuerId = issuer.Id,
            ClaimValues = ClaimValues(jwt, issuer.Source.ClaimName),
            TokenType = jwt.Typ,
        };
        var caller = ResolveExternal(validated, state);
        if (caller is not null)
        {
            cache.Add(text, validated, now);
        }

        return caller;
    }

    /// <summary>The caller of a verified external token at <paramref name="state"/>: the issuer must still be registered, with the same audience; its current mappings apply.</summary>
    private static Caller? ResolveExternal(ValidatedToken token, NodeState state)
    {
        if (token.Resolved is { } resolved && ReferenceEquals(resolved.State, state))
        {
            return resolved.Caller;
        }

        if (!state.Issuers.External.TryGetValue((token.TenantId, token.Issuer), out var issuer) || issuer.Id != token.ExternalIssuerId
            || issuer.Source.Audience != token.Audience || !issuer.ValidTypes.Contains(token.TokenType, StringComparer.Ordinal)
            || !state.TenantsById.TryGetValue(token.TenantId, out var tenant))
        {
            return null;
        }

        var models = new HashSet<string>(StringComparer.Ordinal);
        PlanEntry? plan = null;
        foreach (var value in token.ClaimValues.Order(StringComparer.Ordinal))
        {
            if (issuer.Mappings.TryGetValue(value, out var grant))
            {
                models.UnionWith(grant.Models);
                plan ??= grant.Plan;
            }
        }

        var caller = new Caller
        {
            TenantId = tenant.Id,
            CredentialId = CredentialIdOf(issuer.Id, token.ClientId),
            PublicId = $"{issuer.Source.Name}:{PublicSubject(token.ClientId)}",
            Kind = CredentialKind.ExternalJwt,
            AllowedModels = models.ToFrozenSet(StringComparer.Ordinal),
            Plan = plan ?? tenant.Plan,
        };
        token.Resolved = new Resolution(state, null, caller);
        return caller;
    }

    /// <summary>A stable id per (issuer, subject): the per-credential limits and blocks of one external caller.</summary>
    private static Guid CredentialIdOf(Guid issuerId, string subject)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(issuerId.ToString("N") + subject), digest);
        return new Guid(digest[..16]);
    }

    /// <summary>The subject as it may appear in a header and a log: itself when short and plain, else a hash of it.</summary>
    private static string PublicSubject(string subject) =>
        subject.Length <= MaxPlainSubject && subject.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or '|' or ':')
            ? subject
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..32];

    /// <summary>The values of the mapped claim: a string (space-separated values) or a list of strings.</summary>
    private static FrozenSet<string> ClaimValues(JsonWebToken jwt, string claim)
    {
        return ValuesOf(jwt, claim).Take(256).ToFrozenSet(StringComparer.Ordinal);
    }
}
