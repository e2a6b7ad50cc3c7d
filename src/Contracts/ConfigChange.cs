using System.Text.Json.Serialization;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.Contracts;

/// <summary>One item of a delta revision.</summary>
public sealed record ConfigChange
{
    public required ConfigChangeType Type { get; init; }

    /// <summary>For <see cref="ConfigChangeType.ApiKeyAdded"/>: the key's whole record.</summary>
    public ApiKeySnapshot? Key { get; init; }

    /// <summary>For <see cref="ConfigChangeType.ApiKeyRevoked"/>: the key that stops working.</summary>
    public Guid? KeyId { get; init; }

    /// <summary>For <see cref="ConfigChangeType.BlockIssued"/>: the block.</summary>
    public BlockSnapshot? Block { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ConfigChangeType>))]
public enum ConfigChangeType
{
    /// <summary>A key was issued or its secret rotated; the record replaces any with the same key id.</summary>
    ApiKeyAdded,

    ApiKeyRevoked,

    BlockIssued,
}
