using System.Text.Json;

namespace InferenceGateway.Contracts;

/// <summary>The JSON settings for contract types wherever the product serializes them itself (outbox, snapshots, disk).</summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
