using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

/// <summary>PATCH body. <c>upstreamCredential: null</c> removes the credential; the model name cannot change.</summary>
internal sealed record UpdateModelEndpointRequest
{
    public Optional<string> Model { get; init; }

    public Optional<string> BaseUrl { get; init; }

    public Optional<UpstreamCredentialRequest?> UpstreamCredential { get; init; }

    public Optional<int> TimeoutSeconds { get; init; }

    public Optional<bool> Enabled { get; init; }

    /// <summary>Null restores the default set.</summary>
    public Optional<List<string>?> AllowedMethods { get; init; }

    public Optional<bool> ForwardClientAddress { get; init; }

    public Optional<int> StreamMaxDurationSeconds { get; init; }

    public Optional<int> StreamMaxIdleSeconds { get; init; }

    /// <summary>Replaces the image rules whole; <c>null</c> removes them.</summary>
    public Optional<ImageRulesRequest?> ImageRules { get; init; }

    /// <summary>Replaces the output hardening whole; <c>null</c> removes it.</summary>
    public Optional<OutputHardeningRequest?> OutputHardening { get; init; }
}

internal static class ModelEndpointResponses
{
    extension(ModelEndpointResponse)
    {
        public static ModelEndpointResponse From(ModelEndpoint e) => new(
            e.Id,
            e.TenantId,
            e.Model,
            e.BaseUrl,
            e.UpstreamHeaderName is null ? null : new UpstreamCredentialResponse(e.UpstreamHeaderName, e.ProtectedUpstreamCredential is not null),
            e.TimeoutSeconds,
            e.Enabled,
            e.CreatedAt,
            e.UpdatedAt,
            e.AllowedMethods ?? EndpointMethods.Default,
            e.ForwardClientAddress,
            e.StreamMaxDurationSeconds ?? EndpointStreams.DefaultMaxDurationSeconds,
            e.StreamMaxIdleSeconds ?? EndpointStreams.DefaultMaxIdleSeconds,
            ModelEndpointRules.ReadImageRules(e),
            ModelEndpointRules.ReadOutputHardening(e));
    }
}
