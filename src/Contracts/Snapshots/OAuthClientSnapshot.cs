namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// A live tenant OAuth client as nodes see it: no secret, only what a token of it may do. A revoked client is
/// absent, so its tokens are refused on every node as soon as the revision arrives, expired or not.
/// </summary>
public sealed record OAuthClientSnapshot
{
    /// <summary>The client's record id (what limits and blocks are keyed by).</summary>
    public required Guid Id { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>The OAuth <c>client_id</c>: the <c>sub</c> of its tokens.</summary>
    public required string ClientId { get; init; }

    /// <summary>The models its scopes name, sorted. A token's own scopes may narrow this, never widen it.</summary>
    public IReadOnlyList<string> AllowedModels { get; init; } = [];
}
