using System.Text.Json.Serialization;

namespace InferenceGateway.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<ConfigChangeKind>))]
public enum ConfigChangeKind
{
    /// <summary>Anything that is not a small change: nodes pull the full snapshot.</summary>
    Full,

    /// <summary>A small change nodes apply without a pull.</summary>
    Delta,
}
