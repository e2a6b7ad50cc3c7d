namespace InferenceGateway.DataPlane;

/// <summary>Names the data-plane assembly for test hosts (WebApplicationFactory) without exposing Program.</summary>
public sealed class DataPlaneMarker;
