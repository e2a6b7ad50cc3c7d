namespace InferenceGateway.Portal;

/// <summary>Names the portal assembly for test hosts (WebApplicationFactory) without exposing Program.</summary>
public sealed class PortalMarker;
