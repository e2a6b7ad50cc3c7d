using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

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
            ModelEndpointRules.ReadOutputHardening(e),
            e.MaxOutputTokens ?? EndpointOutputCeiling.Default);
    }
}
