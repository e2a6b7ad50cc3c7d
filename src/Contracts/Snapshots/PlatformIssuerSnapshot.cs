namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// The platform issuer (the control plane's OAuth server) as nodes validate its access tokens offline: its
/// <c>iss</c>, the audience tokens for the gateway carry, and its public signing keys (the next one before it
/// signs, the current one, and the previous one until the last token it signed has expired).
/// </summary>
public sealed record PlatformIssuerSnapshot
{
    public required string Issuer { get; init; }

    public required string Audience { get; init; }

    /// <summary>Sorted by key id.</summary>
    public IReadOnlyList<IssuerKeySnapshot> Keys { get; init; } = [];
}

/// <summary>One public RSA signing key of the platform issuer, as in its JWKS.</summary>
public sealed record IssuerKeySnapshot
{
    public required string KeyId { get; init; }

    /// <summary>The RSA modulus, base64url.</summary>
    public required string N { get; init; }

    /// <summary>The RSA public exponent, base64url.</summary>
    public required string E { get; init; }

    /// <summary>When the key starts signing (it is published, and accepted, before that).</summary>
    public required DateTimeOffset ActivatesAt { get; init; }

    /// <summary>When the key stops being accepted: every token it signed has expired by then. Null: not scheduled.</summary>
    public DateTimeOffset? RetiresAt { get; init; }
}

/// <summary>The audience of access tokens for calling models through the gateway, shared by the issuer and the nodes.</summary>
public static class PlatformTokens
{
    public const string Audience = "inference-gateway";

    /// <summary>The claim naming the tenant (its id) in a tenant client's access token.</summary>
    public const string TenantClaim = "tenant";

    /// <summary>A tenant client's scope for one model: <c>model:&lt;slug&gt;</c>.</summary>
    public const string ModelScopePrefix = "model:";
}
