using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceGateway.Contracts.Admin;

namespace InferenceGateway.ControlPlane.Client;

/// <inheritdoc cref="IControlPlaneApi"/>
public sealed partial class ControlPlaneApi(HttpClient http) : IControlPlaneApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },

        // A PATCH body says only what changes: absent Optional fields are not written.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { OptionalFields.SkipAbsent } },
    };

    public Task<MeResponse> GetMeAsync(CancellationToken ct = default) => SendAsync<MeResponse>(HttpMethod.Get, "api/v1/me", null, ct);

    public Task<PagedList<TenantResponse>> ListTenantsAsync(string? status = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<TenantResponse>>(HttpMethod.Get, "api/v1/tenants" + Query(("status", status), ("page", page), ("pageSize", pageSize)), null, ct);

    public Task<TenantResponse> GetTenantAsync(Guid tenantId, CancellationToken ct = default) => SendAsync<TenantResponse>(HttpMethod.Get, $"api/v1/tenants/{tenantId}", null, ct);

    public Task<TenantResponse> CreateTenantAsync(CreateTenantRequest request, CancellationToken ct = default) => SendAsync<TenantResponse>(HttpMethod.Post, "api/v1/tenants", request, ct);

    public Task<TenantResponse> UpdateTenantAsync(Guid tenantId, UpdateTenantRequest request, CancellationToken ct = default) =>
        SendAsync<TenantResponse>(HttpMethod.Patch, $"api/v1/tenants/{tenantId}", request, ct);

    public Task<TenantResponse> SuspendTenantAsync(Guid tenantId, SuspendTenantRequest request, CancellationToken ct = default) =>
        SendAsync<TenantResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/suspend", request, ct);

    public Task<TenantResponse> ResumeTenantAsync(Guid tenantId, CancellationToken ct = default) =>
        SendAsync<TenantResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/resume", null, ct);

    public Task<PagedList<ModelEndpointResponse>> ListEndpointsAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<ModelEndpointResponse>>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/endpoints" + Query(("page", page), ("pageSize", pageSize)), null, ct);

    public Task<ModelEndpointResponse> CreateEndpointAsync(Guid tenantId, CreateModelEndpointRequest request, CancellationToken ct = default) =>
        SendAsync<ModelEndpointResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/endpoints", request, ct);

    public Task<ModelEndpointResponse> UpdateEndpointAsync(Guid tenantId, Guid endpointId, UpdateModelEndpointRequest request, CancellationToken ct = default) =>
        SendAsync<ModelEndpointResponse>(HttpMethod.Patch, $"api/v1/tenants/{tenantId}/endpoints/{endpointId}", request, ct);

    public Task DeleteEndpointAsync(Guid tenantId, Guid endpointId, CancellationToken ct = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/tenants/{tenantId}/endpoints/{endpointId}", null, ct);

    public Task<PagedList<ApiKeyResponse>> ListApiKeysAsync(Guid tenantId, string? status = null, string? search = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<ApiKeyResponse>>(
            HttpMethod.Get, $"api/v1/tenants/{tenantId}/api-keys" + Query(("status", status), ("search", search), ("page", page), ("pageSize", pageSize)), null, ct);

    public Task<ApiKeySecretResponse> CreateApiKeyAsync(Guid tenantId, CreateApiKeyRequest request, CancellationToken ct = default) =>
        SendAsync<ApiKeySecretResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/api-keys", request, ct);

    public Task<ApiKeyBatchResponse> CreateApiKeyBatchAsync(Guid tenantId, CreateApiKeyBatchRequest request, CancellationToken ct = default) =>
        SendAsync<ApiKeyBatchResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/api-keys:batch", request, ct);

    public Task<ApiKeyResponse> RevokeApiKeyAsync(Guid tenantId, Guid keyId, CancellationToken ct = default) =>
        SendAsync<ApiKeyResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/api-keys/{keyId}/revoke", null, ct);

    public Task<ApiKeySecretResponse> RotateApiKeyAsync(Guid tenantId, Guid keyId, RotateApiKeyRequest request, CancellationToken ct = default) =>
        SendAsync<ApiKeySecretResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", request, ct);

    public Task<PagedList<MemberResponse>> ListMembersAsync(Guid tenantId, string? role = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<MemberResponse>>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/members" + Query(("role", role), ("page", page), ("pageSize", pageSize)), null, ct);

    public Task<MemberResponse> ChangeMemberRoleAsync(Guid tenantId, Guid userId, ChangeMemberRequest request, CancellationToken ct = default) =>
        SendAsync<MemberResponse>(HttpMethod.Patch, $"api/v1/tenants/{tenantId}/members/{userId}", request, ct);

    public Task RemoveMemberAsync(Guid tenantId, Guid userId, CancellationToken ct = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/tenants/{tenantId}/members/{userId}", null, ct);

    public Task<PagedList<InvitationResponse>> ListInvitationsAsync(Guid tenantId, string? state = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<InvitationResponse>>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/invitations" + Query(("state", state), ("page", page), ("pageSize", pageSize)), null, ct);

    public Task<InvitationSecretResponse> CreateInvitationAsync(Guid tenantId, CreateInvitationRequest request, CancellationToken ct = default) =>
        SendAsync<InvitationSecretResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/invitations", request, ct);

    public Task<InvitationResponse> RevokeInvitationAsync(Guid tenantId, Guid invitationId, CancellationToken ct = default) =>
        SendAsync<InvitationResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/invitations/{invitationId}/revoke", null, ct);

    public Task<AcceptInvitationResponse> AcceptInvitationAsync(AcceptInvitationRequest request, CancellationToken ct = default) =>
        SendAsync<AcceptInvitationResponse>(HttpMethod.Post, "api/v1/invitations/accept", request, ct);

    public Task<PagedList<OAuthClientResponse>> ListOAuthClientsAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<OAuthClientResponse>>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/oauth-clients" + Query(("page", page), ("pageSize", pageSize)), null, ct);

    public Task<OAuthClientSecretResponse> CreateOAuthClientAsync(Guid tenantId, CreateOAuthClientRequest request, CancellationToken ct = default) =>
        SendAsync<OAuthClientSecretResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/oauth-clients", request, ct);

    public Task<OAuthClientSecretResponse> RotateOAuthClientSecretAsync(Guid tenantId, Guid clientId, CancellationToken ct = default) =>
        SendAsync<OAuthClientSecretResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/oauth-clients/{clientId}/rotate-secret", null, ct);

    public Task<OAuthClientResponse> RevokeOAuthClientAsync(Guid tenantId, Guid clientId, CancellationToken ct = default) =>
        SendAsync<OAuthClientResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/oauth-clients/{clientId}/revoke", null, ct);

    public Task<PagedList<PlanResponse>> ListPlansAsync(int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<PlanResponse>>(HttpMethod.Get, "api/v1/plans" + Query(("page", page), ("pageSize", pageSize)), null, ct);

    public Task<PlanResponse> CreatePlanAsync(PlanRequest request, CancellationToken ct = default) => SendAsync<PlanResponse>(HttpMethod.Post, "api/v1/plans", request, ct);

    public Task<PlanResponse> UpdatePlanAsync(Guid planId, PlanRequest request, CancellationToken ct = default) =>
        SendAsync<PlanResponse>(HttpMethod.Patch, $"api/v1/plans/{planId}", request, ct);

    public Task<PagedList<BlockResponse>> ListBlocksAsync(bool all = false, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<BlockResponse>>(HttpMethod.Get, "api/v1/blocks" + Query(("all", all ? "true" : null), ("page", page), ("pageSize", pageSize)), null, ct);

    public Task<BlockResponse> CreateBlockAsync(CreateBlockRequest request, CancellationToken ct = default) => SendAsync<BlockResponse>(HttpMethod.Post, "api/v1/blocks", request, ct);

    public Task LiftBlockAsync(Guid blockId, CancellationToken ct = default) => SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/blocks/{blockId}", null, ct);

    public Task<IReadOnlyList<ExternalIssuerResponse>> ListIssuersAsync(Guid tenantId, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<ExternalIssuerResponse>>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/issuers", null, ct);

    public Task<ExternalIssuerResponse> CreateIssuerAsync(Guid tenantId, ExternalIssuerRequest request, CancellationToken ct = default) =>
        SendAsync<ExternalIssuerResponse>(HttpMethod.Post, $"api/v1/tenants/{tenantId}/issuers", request, ct);

    public Task DeleteIssuerAsync(Guid tenantId, Guid issuerId, CancellationToken ct = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/tenants/{tenantId}/issuers/{issuerId}", null, ct);

    public Task<FleetResponse> GetFleetAsync(CancellationToken ct = default) => SendAsync<FleetResponse>(HttpMethod.Get, "api/v1/dataplane/nodes", null, ct);

    public Task<TenantBudgetResponse> GetBudgetAsync(Guid tenantId, CancellationToken ct = default) =>
        SendAsync<TenantBudgetResponse>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/budget", null, ct);

    public Task<PagedList<AuditEventResponse>> ListAuditAsync(
        Guid? tenantId = null, string? action = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<AuditEventResponse>>(
            HttpMethod.Get,
            (tenantId is { } id ? $"api/v1/tenants/{id}/audit" : "api/v1/audit")
                + Query(("action", action), ("from", from?.ToUniversalTime().ToString("O")), ("to", to?.ToUniversalTime().ToString("O")), ("page", page), ("pageSize", pageSize)),
            null,
            ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using (var response = await SendRawAsync(request, ct))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ProblemAsync(response, ct);
            }

            if (response.Content.Headers.ContentLength == 0 || response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                return default!;
            }

            return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
        }
    }

    /// <summary>Sends; a transport failure becomes a <see cref="ControlPlaneApiException"/> that says so, with no host in it.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ControlPlaneApiException(0, "The control plane cannot be reached right now", "Try again in a moment.", inner: ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ControlPlaneApiException(0, "The control plane did not answer in time", "Try again in a moment.", inner: ex);
        }
    }

    private static async Task<ControlPlaneApiException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(Json, ct);
            }
            catch (JsonException)
            {
            }
        }

        var title = problem?.Title is { Length: > 0 } t ? t : status switch
        {
            401 => "You are not signed in, or your session has ended",
            403 => "Your role does not allow this",
            404 => "Not found",
            409 => "Conflict",
            _ => $"The control plane answered {status}",
        };
        return new ControlPlaneApiException(status, title, problem?.Detail, problem?.Errors);
    }

    private static string Query(params (string Name, object? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null and not "")
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}")
            .ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
