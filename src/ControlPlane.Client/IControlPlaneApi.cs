using InferenceGateway.Contracts.Admin;

namespace InferenceGateway.ControlPlane.Client;

/// <summary>
/// The control plane's admin API, typed. Every failure is a <see cref="ControlPlaneApiException"/>; the credential
/// is the HttpClient's business (the portal's user token handler, or <see cref="BearerTokenHandler"/>).
/// </summary>
public interface IControlPlaneApi
{
    Task<MeResponse> GetMeAsync(CancellationToken ct = default);

    Task<PagedList<TenantResponse>> ListTenantsAsync(string? status = null, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<TenantResponse> GetTenantAsync(Guid tenantId, CancellationToken ct = default);

    Task<TenantResponse> CreateTenantAsync(CreateTenantRequest request, CancellationToken ct = default);

    Task<TenantResponse> UpdateTenantAsync(Guid tenantId, UpdateTenantRequest request, CancellationToken ct = default);

    Task<TenantResponse> SuspendTenantAsync(Guid tenantId, SuspendTenantRequest request, CancellationToken ct = default);

    Task<TenantResponse> ResumeTenantAsync(Guid tenantId, CancellationToken ct = default);

    Task<PagedList<ModelEndpointResponse>> ListEndpointsAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<ModelEndpointResponse> CreateEndpointAsync(Guid tenantId, CreateModelEndpointRequest request, CancellationToken ct = default);

    Task<ModelEndpointResponse> UpdateEndpointAsync(Guid tenantId, Guid endpointId, UpdateModelEndpointRequest request, CancellationToken ct = default);

    Task DeleteEndpointAsync(Guid tenantId, Guid endpointId, CancellationToken ct = default);

    Task<PagedList<ApiKeyResponse>> ListApiKeysAsync(Guid tenantId, string? status = null, string? search = null, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<ApiKeySecretResponse> CreateApiKeyAsync(Guid tenantId, CreateApiKeyRequest request, CancellationToken ct = default);

    /// <summary>Up to 1,000 keys in one call; the answer holds every secret, this once.</summary>
    Task<ApiKeyBatchResponse> CreateApiKeyBatchAsync(Guid tenantId, CreateApiKeyBatchRequest request, CancellationToken ct = default);

    Task<ApiKeyResponse> RevokeApiKeyAsync(Guid tenantId, Guid keyId, CancellationToken ct = default);

    Task<ApiKeySecretResponse> RotateApiKeyAsync(Guid tenantId, Guid keyId, RotateApiKeyRequest request, CancellationToken ct = default);

    Task<PagedList<MemberResponse>> ListMembersAsync(Guid tenantId, string? role = null, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<MemberResponse> ChangeMemberRoleAsync(Guid tenantId, Guid userId, ChangeMemberRequest request, CancellationToken ct = default);

    Task RemoveMemberAsync(Guid tenantId, Guid userId, CancellationToken ct = default);

    Task<PagedList<InvitationResponse>> ListInvitationsAsync(Guid tenantId, string? state = null, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<InvitationSecretResponse> CreateInvitationAsync(Guid tenantId, CreateInvitationRequest request, CancellationToken ct = default);

    Task<InvitationResponse> RevokeInvitationAsync(Guid tenantId, Guid invitationId, CancellationToken ct = default);

    /// <summary>Anonymous: the invitation's token is the credential.</summary>
    Task<AcceptInvitationResponse> AcceptInvitationAsync(AcceptInvitationRequest request, CancellationToken ct = default);

    Task<PagedList<OAuthClientResponse>> ListOAuthClientsAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<OAuthClientSecretResponse> CreateOAuthClientAsync(Guid tenantId, CreateOAuthClientRequest request, CancellationToken ct = default);

    Task<OAuthClientSecretResponse> RotateOAuthClientSecretAsync(Guid tenantId, Guid clientId, CancellationToken ct = default);

    Task<OAuthClientResponse> RevokeOAuthClientAsync(Guid tenantId, Guid clientId, CancellationToken ct = default);

    Task<PagedList<PlanResponse>> ListPlansAsync(int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<PlanResponse> CreatePlanAsync(PlanRequest request, CancellationToken ct = default);

    Task<PlanResponse> UpdatePlanAsync(Guid planId, PlanRequest request, CancellationToken ct = default);

    /// <summary>Blocks in force, or every block with <paramref name="all"/>.</summary>
    Task<PagedList<BlockResponse>> ListBlocksAsync(bool all = false, int page = 1, int pageSize = 50, CancellationToken ct = default);

    Task<BlockResponse> CreateBlockAsync(CreateBlockRequest request, CancellationToken ct = default);

    Task LiftBlockAsync(Guid blockId, CancellationToken ct = default);

    Task<IReadOnlyList<ExternalIssuerResponse>> ListIssuersAsync(Guid tenantId, CancellationToken ct = default);

    Task<ExternalIssuerResponse> CreateIssuerAsync(Guid tenantId, ExternalIssuerRequest request, CancellationToken ct = default);

    Task DeleteIssuerAsync(Guid tenantId, Guid issuerId, CancellationToken ct = default);

    Task<FleetResponse> GetFleetAsync(CancellationToken ct = default);

    /// <summary>
    /// The global audit log (platform admins), or one tenant's when <paramref name="tenantId"/> is given (its admin, or
    /// a platform admin); <paramref name="action"/> is exact or a prefix ending in '.', the time range is [from, to).
    /// </summary>
    Task<PagedList<AuditEventResponse>> ListAuditAsync(
        Guid? tenantId = null, string? action = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 50, CancellationToken ct = default);

    /// <summary>
    /// The tenant's usage in [from, to) by <paramref name="granularity"/> (minute, hour, day), grouped by model or
    /// credential when <paramref name="groupBy"/> says so; the API picks the range when from/to are null.
    /// </summary>
    Task<UsageReportResponse> GetUsageAsync(
        Guid tenantId, DateTimeOffset? from = null, DateTimeOffset? to = null, string? granularity = null, string? groupBy = null, CancellationToken ct = default);

    /// <summary>The same report as the API's CSV (<c>Accept: text/csv</c>), byte for byte.</summary>
    Task<ApiDocument> GetUsageCsvAsync(
        Guid tenantId, DateTimeOffset? from = null, DateTimeOffset? to = null, string? granularity = null, string? groupBy = null, CancellationToken ct = default);

    Task<QuotaStatusResponse> GetQuotaAsync(Guid tenantId, CancellationToken ct = default);

    /// <summary>Finalized invoices, newest first.</summary>
    Task<PagedList<TenantInvoiceResponse>> ListInvoicesAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default);

    /// <summary>The live draft of an open month (<paramref name="period"/> yyyy-MM, default the current one).</summary>
    Task<TenantInvoiceResponse> GetDraftInvoiceAsync(Guid tenantId, string? period = null, CancellationToken ct = default);

    Task<TenantInvoiceResponse> GetInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken ct = default);

    /// <summary>The aggregates behind a finalized invoice's lines, or the current draft's when <paramref name="invoiceId"/> is null.</summary>
    Task<InvoiceDrillDownResponse> GetInvoiceUsageAsync(Guid tenantId, Guid? invoiceId, CancellationToken ct = default);

    /// <summary>
    /// A finalized invoice (or the current draft when <paramref name="invoiceId"/> is null) as the API renders it for
    /// <paramref name="mediaType"/>: <c>text/csv</c> or <c>application/pdf</c>.
    /// </summary>
    Task<ApiDocument> GetInvoiceDocumentAsync(Guid tenantId, Guid? invoiceId, string mediaType, CancellationToken ct = default);
    /// <summary>The tenant's spend budgets: spent, limit and remaining this month and today, per tenant and per credential.</summary>
    Task<TenantBudgetResponse> GetBudgetAsync(Guid tenantId, CancellationToken ct = default);
}
