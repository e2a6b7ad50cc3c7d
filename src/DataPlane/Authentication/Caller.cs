using System.Collections.Frozen;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>The kinds of credential a caller can present at the edge.</summary>
internal enum CredentialKind
{
    /// <summary>An API key (<c>igw_...</c>) issued by the control plane.</summary>
    ApiKey,

    /// <summary>An access token of the platform issuer, obtained by a tenant OAuth client (client credentials).</summary>
    OAuthClient,

    /// <summary>An access token of an issuer the tenant registered (its own identity provider).</summary>
    ExternalJwt,
}

/// <summary>
/// Who is calling, whatever the credential: the one output of authentication, and what every later step reads
/// (authorization, blocks, rate and concurrency limits, the upstream's identity header, the access log, metering).
/// Immutable and shared between the requests of one credential at one revision, so building it costs nothing per
/// request.
/// </summary>
internal sealed class Caller
{
    public required Guid TenantId { get; init; }

    /// <summary>
    /// The credential's id for limits and blocks: the key id, the OAuth client's id, or for an external token a
    /// stable id derived from its issuer and subject.
    /// </summary>
    public required Guid CredentialId { get; init; }

    /// <summary>
    /// The credential's public name: what the upstream receives as <c>X-Igw-Credential-Id</c> and the access log
    /// records (the key's public id, the OAuth client id, or <c>issuer-name:subject</c>). Never a secret.
    /// </summary>
    public required string PublicId { get; init; }

    public required CredentialKind Kind { get; init; }

    /// <summary>The models this credential may call; null means every model the plan allows.</summary>
    public FrozenSet<string>? AllowedModels { get; init; }

    /// <summary>The plan whose per-credential limits and model list apply (the tenant's, unless an issuer's mapping names another).</summary>
    public required PlanEntry Plan { get; init; }

    /// <summary>The name used in logs and in the access log for <see cref="Kind"/>.</summary>
    public string KindName => Kind switch
    {
        CredentialKind.ApiKey => "api-key",
        CredentialKind.OAuthClient => "oauth-client",
        _ => "external-jwt",
    };

    /// <summary>True when the credential and its plan both allow <paramref name="model"/>.</summary>
    public bool Allows(string model) =>
        (AllowedModels is not { } own || own.Contains(model)) && (Plan.AllowedModels is not { } plan || plan.Contains(model));
}
