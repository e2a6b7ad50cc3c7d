using System.Text.Json.Serialization;

namespace InferenceGateway.ControlPlane.Client;

/// <summary>The fields of a model endpoint the typed client can change; a null field is left as it is.</summary>
public sealed record ModelEndpointPatch(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BaseUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TimeoutSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Enabled = null);
