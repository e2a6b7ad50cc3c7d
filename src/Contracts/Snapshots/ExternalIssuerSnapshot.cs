namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// An identity provider a tenant registered (Auth0, Okta, Cognito, Entra ID...): nodes accept its access tokens
/// for that tenant's paths, fetching its JWKS themselves through the same egress checks as upstreams.
/// </summary>
public sealed record ExternalIssuerSnapshot
{
    public required Guid IssuerId { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>A short name, used in the caller's public id (<c>name:subject</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The exact <c>iss</c> of its tokens.</summary>
    public required string Issuer { get; init; }

    public required string JwksUrl { get; init; }

    /// <summary>The <c>aud</c> its tokens must carry.</summary>
    public required string Audience { get; init; }

    /// <summary>The claim whose values (a string, space-separated values, or a list) select the mappings: for example <c>scope</c> or <c>roles</c>.</summary>
    public required string ClaimName { get; init; }

    public IReadOnlyList<ClaimMappingSnapshot> Mappings { get; init; } = [];

    /// <summary>
    /// The header <c>typ</c> values accepted from this issuer (canonical spellings of <see cref="ExternalTokenTypes"/>).
    /// Absent in older snapshots: strict, <c>at+jwt</c> only.
    /// </summary>
    public IReadOnlyList<string> AcceptedTokenTypes { get; init; } = [ExternalTokenTypes.AccessToken];
}

/// <summary>The token types an external issuer may be trusted with; the platform issuer accepts only <see cref="AccessToken"/>.</summary>
public static class ExternalTokenTypes
{
    /// <summary>RFC 9068 access tokens (<c>typ: at+jwt</c>, also spelled <c>application/at+jwt</c>).</summary>
    public const string AccessToken = "at+jwt";

    /// <summary>
    /// The generic <c>typ: JWT</c> that many providers put on access tokens and id tokens alike; accepted only for an
    /// issuer that opts in, and then only for tokens that do not look like id tokens.
    /// </summary>
    public const string Jwt = "JWT";

    /// <summary>The canonical spelling of <paramref name="value"/>, or null when it is not a type an issuer may accept.</summary>
    public static string? Canonical(string? value) =>
        string.Equals(value, AccessToken, StringComparison.OrdinalIgnoreCase) ? AccessToken
        : string.Equals(value, Jwt, StringComparison.OrdinalIgnoreCase) ? Jwt
        : null;
}

/// <summary>What one value of the issuer's claim grants: models, and optionally the plan whose per-credential limits apply.</summary>
public sealed record ClaimMappingSnapshot
{
    public required string Value { get; init; }

    /// <summary>Sorted model slugs.</summary>
    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    public Guid? PlanId { get; init; }
}
