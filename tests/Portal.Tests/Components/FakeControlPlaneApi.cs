using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;

namespace InferenceGateway.Portal.Tests.Components;

/// <summary>
/// The typed client as the pages see it, in memory: what it holds is what the pages list; <see cref="Failure"/> makes
/// every call fail as the control plane would, and <see cref="Calls"/> records what the pages asked for.
/// </summary>
internal sealed partial class FakeControlPlaneApi : IControlPlaneApi
{
    public static readonly Guid TenantId = Guid.Parse("0190aaaa-0000-7000-8000-000000000001");
    public static readonly Guid OtherTenantId = Guid.Parse("0190aaaa-0000-7000-8000-000000000002");

    public MeResponse Me { get; set; } = As("tenant-admin");

    public List<TenantResponse> Tenants { get; } = [];

    public List<ModelEndpointResponse> Endpoints { get; } = [];

    public List<ApiKeyResponse> Keys { get; } = [];

    public List<MemberResponse> Members { get; } = [];

    public List<OAuthClientResponse> Clients { get; } = [];

    public List<AuditEventResponse> Audit { get; } = [];

    public List<NodeResponse> Nodes { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>Thrown by every call but <see cref="GetMeAsync"/>.</summary>
    public ControlPlaneApiException? Failure { get; set; }

    /// <summary>Thrown by the next create call (validation answers).</summary>
    public ControlPlaneApiException? CreateFailure { get; set; }

    public static MeResponse As(string role, Guid? tenant = null) => new(
        "user", "someone@example.test", Guid.NewGuid(), "someone@example.test",
        role == "platform-admin" ? ["platform-admin"] : [],
        role == "platform-admin" ? [] : [new MeTenant(tenant ?? TenantId, "acme", "Acme", role)]);

    public static ModelEndpointResponse Endpoint(string model) => new(
        Guid.NewGuid(), TenantId, model, "https://models.example.com", null, 60, true, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        ["POST"], false, 600, 60, null, null);

    public static ApiKeyResponse Key(string name, string status = "active") => new(
        Guid.NewGuid(), TenantId, name, "igw_abcdef", status, null, null, null, "someone", DateTimeOffset.UnixEpoch, null, null, null);

    public Task<MeResponse> GetMeAsync(CancellationToken ct = default) => Record(nameof(GetMeAsync), () => Me, failable: false);

    public Task<PagedList<TenantResponse>> ListTenantsAsync(string? status = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListTenantsAsync)}:{status}:{page}", () => Page(Tenants.Where(t => status is null || t.Status == status).ToList(), page, pageSize));

    public Task<TenantResponse> GetTenantAsync(Guid tenantId, CancellationToken ct = default) =>
        Record(nameof(GetTenantAsync), () => new TenantResponse(tenantId, "acme", "Acme", "active", Guid.NewGuid(), default, default, null, null));

    public Task<TenantResponse> CreateTenantAsync(CreateTenantRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<TenantResponse> UpdateTenantAsync(Guid tenantId, UpdateTenantRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<TenantResponse> SuspendTenantAsync(Guid tenantId, SuspendTenantRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<TenantResponse> ResumeTenantAsync(Guid tenantId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<PagedList<ModelEndpointResponse>> ListEndpointsAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListEndpointsAsync)}:{tenantId}", () => Page(Endpoints, page, pageSize));

    public Task<ModelEndpointResponse> CreateEndpointAsync(Guid tenantId, CreateModelEndpointRequest request, CancellationToken ct = default) =>
        Record(nameof(CreateEndpointAsync), () =>
        {
            ThrowCreateFailure();
            var endpoint = Endpoint(request.Model!) with { BaseUrl = request.BaseUrl! };
            Endpoints.Add(endpoint);
            return endpoint;
        });

    public Task<ModelEndpointResponse> UpdateEndpointAsync(Guid tenantId, Guid endpointId, UpdateModelEndpointRequest request, CancellationToken ct = default) =>
        Record(nameof(UpdateEndpointAsync), () =>
        {
            ThrowCreateFailure();
            var index = Endpoints.FindIndex(e => e.Id == endpointId);
            Endpoints[index] = Endpoints[index] with
            {
                BaseUrl = request.BaseUrl.Or(Endpoints[index].BaseUrl),
                TimeoutSeconds = request.TimeoutSeconds.Or(Endpoints[index].TimeoutSeconds),
            };
            return Endpoints[index];
        });

    public Task DeleteEndpointAsync(Guid tenantId, Guid endpointId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<PagedList<ApiKeyResponse>> ListApiKeysAsync(Guid tenantId, string? status = null, string? search = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListApiKeysAsync)}:{tenantId}:{status}:{search}", () =>
            Page(Keys.Where(k => (status is null || k.Status == status) && (search is null || k.Name.Contains(search, StringComparison.Ordinal))).ToList(), page, pageSize));

    public Task<ApiKeySecretResponse> CreateApiKeyAsync(Guid tenantId, CreateApiKeyRequest request, CancellationToken ct = default) =>
        Record(nameof(CreateApiKeyAsync), () =>
        {
            ThrowCreateFailure();
            var key = Key(request.Name!);
            Keys.Add(key);
            return new ApiKeySecretResponse(key, "igw_abcdef_the-secret-shown-once");
        });

    /// <summary>The batches asked for, as sent.</summary>
    public List<CreateApiKeyBatchRequest> Batches { get; } = [];

    public Task<ApiKeyBatchResponse> CreateApiKeyBatchAsync(Guid tenantId, CreateApiKeyBatchRequest request, CancellationToken ct = default) =>
        Record($"{nameof(CreateApiKeyBatchAsync)}:{tenantId}", () =>
        {
            ThrowCreateFailure();
            Batches.Add(request);
            var answers = request.Keys!.Select((item, i) =>
            {
                var key = Key(item.Name!);
                Keys.Add(key);
                return new ApiKeySecretResponse(key, $"igw_batch_secret-{i + 1:D4}");
            }).ToList();
            return new ApiKeyBatchResponse(answers);
        });

    public Task<ApiKeyResponse> RevokeApiKeyAsync(Guid tenantId, Guid keyId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<ApiKeySecretResponse> RotateApiKeyAsync(Guid tenantId, Guid keyId, RotateApiKeyRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<PagedList<MemberResponse>> ListMembersAsync(Guid tenantId, string? role = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListMembersAsync)}:{role}:{page}", () => Page(Members.Where(m => role is null || m.Role == role).ToList(), page, pageSize));

    public Task<MemberResponse> ChangeMemberRoleAsync(Guid tenantId, Guid userId, ChangeMemberRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task RemoveMemberAsync(Guid tenantId, Guid userId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<PagedList<InvitationResponse>> ListInvitationsAsync(Guid tenantId, string? state = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListInvitationsAsync)}:{state}:{page}", () => new PagedList<InvitationResponse>([], page, pageSize, 0));

    public Task<InvitationSecretResponse> CreateInvitationAsync(Guid tenantId, CreateInvitationRequest request, CancellationToken ct = default) =>
        Record(nameof(CreateInvitationAsync), () =>
        {
            ThrowCreateFailure();
            return new InvitationSecretResponse(new InvitationResponse(Guid.NewGuid(), tenantId, request.Email!, request.Role!, "someone", default, default, "pending"), "invitation-token-shown-once");
        });

    public Task<InvitationResponse> RevokeInvitationAsync(Guid tenantId, Guid invitationId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<AcceptInvitationResponse> AcceptInvitationAsync(AcceptInvitationRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<PagedList<OAuthClientResponse>> ListOAuthClientsAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record(nameof(ListOAuthClientsAsync), () => Page(Clients, page, pageSize));

    public Task<OAuthClientSecretResponse> CreateOAuthClientAsync(Guid tenantId, CreateOAuthClientRequest request, CancellationToken ct = default) =>
        Record(nameof(CreateOAuthClientAsync), () =>
        {
            ThrowCreateFailure();
            var client = new OAuthClientResponse(Guid.NewGuid(), tenantId, "client-1", request.Name!, "active", request.AllowedModels ?? [], false, [], "someone", default, null, null);
            Clients.Add(client);
            return new OAuthClientSecretResponse(client, "client-secret-shown-once");
        });

    public Task<OAuthClientSecretResponse> RotateOAuthClientSecretAsync(Guid tenantId, Guid clientId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<OAuthClientResponse> RevokeOAuthClientAsync(Guid tenantId, Guid clientId, CancellationToken ct = default) => throw new NotSupportedException();

    public List<PlanResponse> Plans { get; } = [];

    public List<BlockResponse> Blocks { get; } = [];

    public Task<PagedList<PlanResponse>> ListPlansAsync(int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record(nameof(ListPlansAsync), () => Page(Plans, page, pageSize));

    /// <summary>The last plan the page asked to create.</summary>
    public PlanRequest? LastPlanRequest { get; private set; }

    public Task<PlanResponse> CreatePlanAsync(PlanRequest request, CancellationToken ct = default) =>
        Record(nameof(CreatePlanAsync), () =>
        {
            ThrowCreateFailure();
            LastPlanRequest = request;
            var l = request.Limits;
            var plan = new PlanResponse(Guid.NewGuid(), request.Name.Value, null, new PlanLimitsResponse(10, 20, 100, 200, null, null, null, 1 << 20, null, 8, 64,
                l?.QuotaEnforcement is { HasValue: true } e ? e.Value : QuotaEnforcement.Hard,
                l?.RateLimitScopePerKey.Value ?? default, l?.RateLimitScopePerTenant.Value ?? default, l?.RedisDownModePerKey.Value ?? default,
                l?.RedisDownModePerTenant.Value ?? default, l?.ShadowRateLimitPerKey.Value ?? false, l?.ShadowRateLimitPerTenant.Value ?? false),
                new PlanPricesResponse("EUR", 0, 0, 0, 0, 0, 0, 0), default, default);
            Plans.Add(plan);
            return plan;
        });

    public Task<PlanResponse> UpdatePlanAsync(Guid planId, PlanRequest request, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<PagedList<BlockResponse>> ListBlocksAsync(bool all = false, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListBlocksAsync)}:{all}", () => Page(Blocks, page, pageSize));

    public Task<BlockResponse> CreateBlockAsync(CreateBlockRequest request, CancellationToken ct = default) =>
        Record(nameof(CreateBlockAsync), () =>
        {
            ThrowCreateFailure();
            var block = new BlockResponse(Guid.NewGuid(), request.Target!, request.Value!, null, request.Reason ?? "", default, DateTimeOffset.UnixEpoch.AddDays(1), null, "someone");
            Blocks.Add(block);
            return block;
        });

    public Task LiftBlockAsync(Guid blockId, CancellationToken ct = default) => throw new NotSupportedException();

    public List<ExternalIssuerResponse> Issuers { get; } = [];

    public Task<IReadOnlyList<ExternalIssuerResponse>> ListIssuersAsync(Guid tenantId, CancellationToken ct = default) =>
        Record(nameof(ListIssuersAsync), () => (IReadOnlyList<ExternalIssuerResponse>)Issuers.ToList());

    public Task<ExternalIssuerResponse> CreateIssuerAsync(Guid tenantId, ExternalIssuerRequest request, CancellationToken ct = default) =>
        Record(nameof(CreateIssuerAsync), () =>
        {
            ThrowCreateFailure();
            var issuer = new ExternalIssuerResponse(Guid.NewGuid(), tenantId, request.Name!, request.Issuer!, request.JwksUrl!, request.Audience!, request.ClaimName!, request.Mappings ?? [], "someone", default, default, request.AcceptedTokenTypes ?? ["at+jwt"]);
            Issuers.Add(issuer);
            return issuer;
        });

    public Task DeleteIssuerAsync(Guid tenantId, Guid issuerId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<FleetResponse> GetFleetAsync(CancellationToken ct = default) =>
        Record(nameof(GetFleetAsync), () => new FleetResponse(7, Guid.Empty, "hash", Nodes));

    public Task<PagedList<AuditEventResponse>> ListAuditAsync(
        Guid? tenantId = null, string? action = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListAuditAsync)}:{tenantId}:{action}:{page}:{from:O}:{to:O}", () => Page(Audit.Where(a => action is null || a.Action.StartsWith(action, StringComparison.Ordinal)).ToList(), page, pageSize));

    /// <summary>What <see cref="GetBudgetAsync"/> answers; a tenant without budgets by default.</summary>
    public TenantBudgetResponse? Budget { get; set; }

    public Task<TenantBudgetResponse> GetBudgetAsync(Guid tenantId, CancellationToken ct = default) =>
        Record($"{nameof(GetBudgetAsync)}:{tenantId}", () => Budget ?? new TenantBudgetResponse(
            tenantId, "USD", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "enforce", "enforce", "closed",
            new BudgetLineResponse(0, null, null, false), new BudgetLineResponse(0, null, null, false), [], 0));

    private static PagedList<T> Page<T>(List<T> items, int page, int pageSize) =>
        new(items.Skip((page - 1) * pageSize).Take(pageSize).ToList(), page, pageSize, items.Count);

    private void ThrowCreateFailure()
    {
        if (CreateFailure is { } failure)
        {
            CreateFailure = null;
            throw failure;
        }
    }

    private Task<T> Record<T>(string call, Func<T> answer, bool failable = true)
    {
        Calls.Add(call);
        if (failable && Failure is { } failure)
        {
            throw failure;
        }

        return Task.FromResult(answer());
    }
}
