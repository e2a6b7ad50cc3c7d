using InferenceGateway.Contracts;
using System.Security.Cryptography;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.ExternalIssuers;
using InferenceGateway.ControlPlane.Features.ModelEndpoints;
using InferenceGateway.Security.Networking;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>
/// The one mapping from entities to the snapshot items nodes serve, used by the compiler (whole snapshots) and by
/// the admin mutations (deltas), so a delta always carries exactly what the next compile would.
/// </summary>
internal sealed class SnapshotMapper(UpstreamCredentials credentials, EndpointUrlValidator urls)
{
    public static PlanSnapshot Plan(Plan p) => new()
    {
        PlanId = p.Id,
        Name = p.Name,
        RequestsPerSecondPerKey = p.RequestsPerSecondPerKey,
        BurstPerKey = p.BurstPerKey,
        RequestsPerSecondPerTenant = p.RequestsPerSecondPerTenant,
        BurstPerTenant = p.BurstPerTenant,
        MonthlyRequestQuota = p.MonthlyRequestQuota,
        MonthlyInputTokenQuota = p.MonthlyInputTokenQuota,
        MonthlyOutputTokenQuota = p.MonthlyOutputTokenQuota,
        QuotaEnforcement = p.QuotaEnforcement == QuotaEnforcement.Soft ? "soft" : "hard",
        MaxRequestBodyBytes = p.MaxRequestBodyBytes,
        MaxConcurrentRequestsPerKey = p.MaxConcurrentRequestsPerKey ?? Plans.PlanRules.DefaultConcurrentPerKey,
        MaxConcurrentRequestsPerTenant = p.MaxConcurrentRequestsPerTenant ?? Plans.PlanRules.DefaultConcurrentPerTenant,
        AllowedModels = p.AllowedModels?.Order(StringComparer.Ordinal).ToList(),
        RateLimitScopePerKey = p.RateLimitScopePerKey == RateLimitScope.Cluster ? "cluster" : null,
        RateLimitScopePerTenant = p.RateLimitScopePerTenant == RateLimitScope.Cluster ? "cluster" : null,
        RedisDownModePerKey = p.RedisDownModePerKey == RateLimitRedisDownMode.Closed ? "closed" : null,
        RedisDownModePerTenant = p.RedisDownModePerTenant == RateLimitRedisDownMode.Closed ? "closed" : null,
        ShadowRateLimitPerKey = p.ShadowRateLimitPerKey ? true : null,
        ShadowRateLimitPerTenant = p.ShadowRateLimitPerTenant ? true : null,
        Budget = Budgets.PlanBudgets.Snapshot(p),
    };

    public static TenantSnapshot Tenant(Tenant t) => new()
    {
        TenantId = t.Id,
        Slug = t.Slug,
        Status = t.Status == TenantStatus.Active ? TenantState.Active : TenantState.Suspended,
        PlanId = t.PlanId,
        QuotaUsage = t.QuotaPeriodStart is { } period
            ? new TenantQuotaUsage
            {
                PeriodStart = Instant(period), Requests = t.QuotaRequestsConsumed, InputTokens = t.QuotaInputTokensConsumed, OutputTokens = t.QuotaOutputTokensConsumed,
                Spend = Budgets.PlanBudgets.Canonical(t.BudgetSpend), Day = t.BudgetDay is { } day ? Instant(day) : null,
                DaySpend = Budgets.PlanBudgets.Canonical(t.BudgetDaySpend),
                Credentials = CredentialSpend(t),
            }
            : null,
    };

    /// <summary>Ordered by id, so the compiler and a delta give the same JSON; null when no credential spent.</summary>
    private static List<CredentialSpend>? CredentialSpend(Tenant t) => t.CredentialSpend.Count == 0
        ? null
        : [.. t.CredentialSpend
            .Select(c => (Id: Guid.TryParse(c.CredentialId, out var id) ? id : (Guid?)null, c.Spend, c.DaySpend))
            .Where(c => c.Id is not null)
            .OrderBy(c => c.Id)
            .Select(c => new CredentialSpend { CredentialId = c.Id!.Value, Spend = Budgets.PlanBudgets.Canonical(c.Spend), DaySpend = Budgets.PlanBudgets.Canonical(c.DaySpend) })];

    /// <summary>What nodes get for a live key: hashes and limits, never a secret; a previous secret only during its grace.</summary>
    public static ApiKeySnapshot Key(ApiKey k)
    {
        // A previous secret stays in the record after its grace (nodes refuse it by the clock), so what a node holds
        // and what a later compile gives do not depend on when each was made (see CompiledKeys).
        var inGrace = k.PreviousSecretHash is not null && k.PreviousSecretExpiresAt is not null;
        return new()
        {
            KeyId = k.Id,
            PublicId = k.PublicId,
            TenantId = k.TenantId,
            Hash = Convert.ToHexStringLower(k.SecretHash),
            PreviousHash = inGrace ? Convert.ToHexStringLower(k.PreviousSecretHash!) : null,
            PreviousHashExpiresAt = inGrace ? Instant(k.PreviousSecretExpiresAt!.Value) : null,
            AllowedModels = k.AllowedModels?.Order(StringComparer.Ordinal).ToList(),
            ExpiresAt = k.ExpiresAt is { } expires ? Instant(expires) : null,
        };
    }

    /// <summary>What nodes get for a live tenant OAuth client: who its tokens are for and the models its scopes name.</summary>
    public static OAuthClientSnapshot OAuthClient(Data.Identity.OAuthClient c) => new()
    {
        Id = c.Id,
        TenantId = c.TenantId,
        ClientId = c.ClientId,
        AllowedModels = [.. c.AllowedModels.Order(StringComparer.Ordinal)],
    };

    public static ExternalIssuerSnapshot ExternalIssuer(Data.Identity.ExternalIssuer i) => new()
    {
        IssuerId = i.Id,
        TenantId = i.TenantId,
        Name = i.Name,
        Issuer = i.Issuer,
        JwksUrl = i.JwksUrl,
        Audience = i.Audience,
        ClaimName = i.ClaimName,
        Mappings = [.. i.Mappings.OrderBy(m => m.Value, StringComparer.Ordinal).Select(m => m with { AllowedModels = [.. m.AllowedModels.Order(StringComparer.Ordinal)] })],
        AcceptedTokenTypes = ExternalIssuerTokenTypes.Parse(i.AcceptedTokenTypes),
    };

    public static BlockSnapshot Block(Block block) => new()
    {
        BlockId = block.Id,
        Target = block.Target,
        Value = block.Value,
        ExpiresAt = Instant(block.ExpiresAt),
    };

    /// <summary>
    /// Instants in UTC and whole milliseconds: what the entity holds in memory (a delta) and what the database gives
    /// back (a compile; SQLite keeps 0.1 ms, PostgreSQL 1 µs) then serialize identically, so content hashes agree.
    /// </summary>
    internal static DateTimeOffset Instant(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>What an added or changed endpoint means for nodes: its route, or its removal when it cannot be served.</summary>
    public ConfigChange RouteChange(ModelEndpoint endpoint, Tenant tenant) =>
        endpoint.Enabled && Route(endpoint, tenant, []) is { } route
            ? new RouteChanged { Route = route }
            : new RouteRemoved { EndpointId = endpoint.Id };

    /// <summary>
    /// The route of an endpoint, or null (with the reason added to <paramref name="problems"/>) when it cannot be
    /// served safely: an invalid URL, a literal address the allow-list no longer admits, a credential that no
    /// longer decrypts.
    /// </summary>
    public RouteSnapshot? Route(ModelEndpoint endpoint, Tenant tenant, List<string> problems)
    {
        var urlErrors = new List<string>();
        if (!EndpointUrl.TryParse(endpoint.BaseUrl, out var url, out var host, urlErrors))
        {
            problems.Add($"endpoint {endpoint.Id} left out: its base URL is not valid");
            return null;
        }

        // Names are checked again by every node at connect time; literal addresses can be checked here, which
        // catches an allow-list that has been narrowed since registration.
        if (host.Address is { } address && urls.Policy.Check(address) is { } reason)
        {
            problems.Add($"endpoint {endpoint.Id} left out: its host is {reason}");
            return null;
        }

        string? credential = null;
        if (endpoint.ProtectedUpstreamCredential is { } protectedValue)
        {
            try
            {
                credential = credentials.Unprotect(protectedValue);
            }
            catch (CryptographicException)
            {
                problems.Add($"endpoint {endpoint.Id} left out: its upstream credential cannot be decrypted (were the data-protection keys or the master key changed?)");
                return null;
            }
        }

        var ruleProblems = new List<string>();
        if (!ModelEndpointRules.TryRead(endpoint, out var imageRules, out var hardening, ruleProblems))
        {
            problems.Add($"endpoint {endpoint.Id} left out: {string.Join("; ", ruleProblems)}");
            return null;
        }

        return new RouteSnapshot
        {
            TenantId = tenant.Id,
            TenantSlug = tenant.Slug,
            Model = endpoint.Model,
            EndpointId = endpoint.Id,
            BaseUrl = url!.ToString().TrimEnd('/'),
            UpstreamHeaderName = credential is null ? null : endpoint.UpstreamHeaderName,
            UpstreamHeaderValue = credential,
            TimeoutSeconds = endpoint.TimeoutSeconds,
            AllowedMethods = endpoint.AllowedMethods is { } methods ? EndpointMethods.Normalize(methods) : null,
            ForwardClientAddress = endpoint.ForwardClientAddress,
            StreamMaxDurationSeconds = endpoint.StreamMaxDurationSeconds ?? EndpointStreams.DefaultMaxDurationSeconds,
            StreamMaxIdleSeconds = endpoint.StreamMaxIdleSeconds ?? EndpointStreams.DefaultMaxIdleSeconds,
            MaxOutputTokens = endpoint.MaxOutputTokens,
            ImageRules = imageRules,
            OutputHardening = hardening,
        };
    }
}
