namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// The whole configuration a data-plane node needs, at one revision. Served over HTTP to authenticated nodes
/// (it holds upstream credentials), never sent on the bus. Lists are sorted, so identical inputs give identical
/// snapshots and <see cref="ContentHash"/> identifies the content regardless of revision.
/// </summary>
public sealed record ConfigSnapshot
{
    public required long Revision { get; init; }

    /// <summary>The configuration epoch: a random id born with the revision counter. Another epoch means another history.</summary>
    public Guid Epoch { get; init; }

    public required DateTimeOffset CompiledAt { get; init; }

    /// <summary>The content hash (<see cref="ConfigContent.Hash"/>) of what is below.</summary>
    public required string ContentHash { get; init; }

    public IReadOnlyList<PlanSnapshot> Plans { get; init; } = [];

    public IReadOnlyList<TenantSnapshot> Tenants { get; init; } = [];

    public IReadOnlyList<RouteSnapshot> Routes { get; init; } = [];

    public IReadOnlyList<ApiKeySnapshot> Keys { get; init; } = [];

    public IReadOnlyList<BlockSnapshot> Blocks { get; init; } = [];

    /// <summary>The live tenant OAuth clients (sorted by id): a token of a client not listed here is refused.</summary>
    public IReadOnlyList<OAuthClientSnapshot> OAuthClients { get; init; } = [];

    /// <summary>The identity providers tenants registered (sorted by id).</summary>
    public IReadOnlyList<ExternalIssuerSnapshot> ExternalIssuers { get; init; } = [];

    /// <summary>The platform issuer whose access tokens nodes accept; null when the control plane has no issuer URL configured.</summary>
    public PlatformIssuerSnapshot? PlatformIssuer { get; init; }

    /// <summary>The public keys bus deltas of this epoch are signed with (this snapshot came over the authenticated API).</summary>
    public IReadOnlyList<SigningKeySnapshot> SigningKeys { get; init; } = [];
}
