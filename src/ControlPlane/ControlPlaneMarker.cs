namespace InferenceGateway.ControlPlane;

/// <summary>Names the control-plane assembly for test hosts (WebApplicationFactory) without exposing Program.</summary>
public sealed class ControlPlaneMarker;
