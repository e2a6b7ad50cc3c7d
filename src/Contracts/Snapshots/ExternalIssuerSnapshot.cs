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
}

/// <summary>What one value of the issuer's claim grants: models, and optionally the plan whose per-credential limits apply.</summary>
public sealed record ClaimMappingSnapshot
{
    public required string Value { get; init; }

    /// <summary>Sorted model slugs.</summary>
    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    public Guid? PlanId { get; init; }
}
