using System.Text.Json.Serialization;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.Contracts;

/// <summary>
/// One item of a delta revision. The set of change types is closed: each is a record below, told apart in JSON by
/// its <c>type</c> discriminator, and a node refuses a type it does not know rather than guessing. Every change
/// is an upsert or a removal of one snapshot item by its id, so applying it to snapshot n-1 gives snapshot n.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PlanChanged), "planChanged")]
[JsonDerivedType(typeof(TenantChanged), "tenantChanged")]
[JsonDerivedType(typeof(RouteChanged), "routeChanged")]
[JsonDerivedType(typeof(RouteRemoved), "routeRemoved")]
[JsonDerivedType(typeof(ApiKeyChanged), "apiKeyChanged")]
[JsonDerivedType(typeof(ApiKeyRemoved), "apiKeyRemoved")]
[JsonDerivedType(typeof(BlockIssued), "blockIssued")]
[JsonDerivedType(typeof(BlockLifted), "blockLifted")]
[JsonDerivedType(typeof(OAuthClientChanged), "oauthClientChanged")]
[JsonDerivedType(typeof(OAuthClientRemoved), "oauthClientRemoved")]
[JsonDerivedType(typeof(PlatformIssuerChanged), "platformIssuerChanged")]
[JsonDerivedType(typeof(ExternalIssuerChanged), "externalIssuerChanged")]
[JsonDerivedType(typeof(ExternalIssuerRemoved), "externalIssuerRemoved")]
public abstract record ConfigChange
{
    /// <summary>True when the change carries a secret (an upstream credential) and must not travel on the bus in clear.</summary>
    [JsonIgnore]
    public virtual bool CarriesSecret => false;
}

/// <summary>A plan was created or its limits changed; the record replaces any with the same plan id.</summary>
public sealed record PlanChanged : ConfigChange
{
    public required PlanSnapshot Plan { get; init; }
}

/// <summary>A tenant was created, changed, suspended or resumed; the record replaces any with the same tenant id.</summary>
public sealed record TenantChanged : ConfigChange
{
    public required TenantSnapshot Tenant { get; init; }
}

/// <summary>An endpoint was added or changed; the route replaces any with the same endpoint id.</summary>
public sealed record RouteChanged : ConfigChange
{
    public required RouteSnapshot Route { get; init; }

    public override bool CarriesSecret => Route.UpstreamHeaderValue is not null;
}

/// <summary>An endpoint was removed or disabled, or can no longer be served.</summary>
public sealed record RouteRemoved : ConfigChange
{
    public required Guid EndpointId { get; init; }
}

/// <summary>A key was issued or its secret rotated; the record replaces any with the same key id.</summary>
public sealed record ApiKeyChanged : ConfigChange
{
    public required ApiKeySnapshot Key { get; init; }
}

/// <summary>A key was revoked: it stops working.</summary>
public sealed record ApiKeyRemoved : ConfigChange
{
    public required Guid KeyId { get; init; }
}

public sealed record BlockIssued : ConfigChange
{
    public required BlockSnapshot Block { get; init; }
}

public sealed record BlockLifted : ConfigChange
{
    public required Guid BlockId { get; init; }
}

/// <summary>A tenant OAuth client was registered (or its models changed); the record replaces any with the same id.</summary>
public sealed record OAuthClientChanged : ConfigChange
{
    public required OAuthClientSnapshot Client { get; init; }
}

/// <summary>A tenant OAuth client was revoked: its tokens are refused from this revision on, expired or not.</summary>
public sealed record OAuthClientRemoved : ConfigChange
{
    public required Guid Id { get; init; }
}

/// <summary>The platform issuer's published keys changed (a next key published, the previous one retired), or its URL.</summary>
public sealed record PlatformIssuerChanged : ConfigChange
{
    /// <summary>The whole issuer as the next compile gives it; null when no issuer URL is configured.</summary>
    public PlatformIssuerSnapshot? Issuer { get; init; }
}

/// <summary>A tenant registered or changed an external issuer; the record replaces any with the same id.</summary>
public sealed record ExternalIssuerChanged : ConfigChange
{
    public required ExternalIssuerSnapshot Issuer { get; init; }
}

/// <summary>A tenant removed an external issuer: its tokens are refused from this revision on.</summary>
public sealed record ExternalIssuerRemoved : ConfigChange
{
    public required Guid IssuerId { get; init; }
}
