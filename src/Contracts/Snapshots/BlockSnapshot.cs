using System.Text.Json.Serialization;

namespace InferenceGateway.Contracts.Snapshots;

/// <summary>A temporary block on a key, a client network or a whole tenant.</summary>
public sealed record BlockSnapshot
{
    public required Guid BlockId { get; init; }

    public required BlockTarget Target { get; init; }

    /// <summary>A key id, an IP address or network in CIDR form, or a tenant id, as <see cref="Target"/> says.</summary>
    public required string Value { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<BlockTarget>))]
public enum BlockTarget
{
    Key,
    Network,
    Tenant,
}
