using System.Text.Json.Serialization;

namespace InferenceGateway.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<ConfigChangeKind>))]
public enum ConfigChangeKind
{
    /// <summary>
    /// On the bus: "this revision exists, pull it" (a change that carries a secret, which never travels on the bus).
    /// In a <c>ConfigUpdate</c>: the whole snapshot.
    /// </summary>
    Full,

    /// <summary>Changes a node applies on top of the previous revision (on the bus: signed).</summary>
    Delta,
}
