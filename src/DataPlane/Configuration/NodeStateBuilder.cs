using System.Collections.Frozen;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Rules;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Blocking;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Builds a <see cref="NodeState"/> from a snapshot, or a new state from the current one plus deltas. Both
/// check everything first and report every problem; a rejected input leaves the serving state untouched.
/// </summary>
internal static class NodeStateBuilder
{
    /// <summary>Builds the state of a snapshot whose keys are snapshot records (JSON).</summary>
    public static NodeState? Build(ConfigSnapshot snapshot, DateTimeOffset now, List<string> errors) =>
        Build(snapshot, CompactKeys(snapshot.Keys, errors), now, errors);

    /// <summary>
    /// Builds the state of a snapshot read as a stream: <paramref name="header"/> holds everything but the keys, which
    /// arrive one by one from <paramref name="keys"/> and go straight into the key table, never into a list.
    /// </summary>
    public static NodeState? Build(ConfigSnapshot header, IEnumerable<CompactKey> keys, DateTimeOffset now, List<string> errors, KeySum? trustedSum = null)
    {
        if (BuildRest(header, now, errors) is not { } rest)
        {
            foreach (var _ in keys)
            {
                // Read to the end, so a streamed source is consumed whatever the outcome.
            }

            return null;
        }

        var builder = new KeyTableBuilder(KeyTable.Empty, rest.TenantsById.ContainsKey, errors, trustedSum);
        foreach (var key in keys)
        {
            if (errors.Count < MaxErrors)
            {
                builder.Upsert(key);
            }
        }

        var table = builder.Finish();
        return errors.Count > 0 ? null : new NodeState(header, rest.TenantsBySlug, rest.TenantsById, table, rest.Blocks) { Issuers = rest.Issuers };
    }

    private const int MaxErrors = 100;

    private sealed record Rest(FrozenDictionary<string, TenantEntry> TenantsBySlug, FrozenDictionary<Guid, TenantEntry> TenantsById, BlockSet Blocks, Authentication.TokenIssuers Issuers);

    /// <summary>Everything but the keys, validated: plans, routes, tenants, blocks.</summary>
    private static Rest? BuildRest(ConfigSnapshot snapshot, DateTimeOffset now, List<string> errors)
    {

        if (snapshot.Revision < 0)
        {
            errors.Add("the revision is negative");
        }

        var plans = new Dictionary<Guid, PlanEntry>();
        foreach (var plan in snapshot.Plans ?? [])
        {
            if (!ConfigRules.IsPlanServable(plan.RequestsPerSecondPerKey, plan.BurstPerKey, plan.RequestsPerSecondPerTenant, plan.BurstPerTenant, plan.MaxRequestBodyBytes)
                || plan.MaxConcurrentRequestsPerKey is < 1 || plan.MaxConcurrentRequestsPerTenant is < 1)
            {
                errors.Add($"plan {plan.PlanId}: a limit is out of range");
            }
            else if (!plans.TryAdd(plan.PlanId, new PlanEntry(plan)))
            {
                errors.Add($"plan {plan.PlanId} appears twice");
            }
        }

        var routesByTenant = new Dictionary<Guid, Dictionary<string, RouteEntry>>();
        foreach (var route in snapshot.Routes ?? [])
        {
            if (!Uri.TryCreate(route.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query))
            {
                errors.Add($"route {route.TenantSlug}/{route.Model}: the base URL is not an absolute http(s) URL");
                continue;
            }

            if (!ConfigRules.IsTimeout(route.TimeoutSeconds))
            {
                errors.Add($"route {route.TenantSlug}/{route.Model}: the timeout is out of range");
                continue;
            }

            if (!ConfigRules.IsTenantSlug(route.TenantSlug) || !ConfigRules.IsModelSlug(route.Model))
            {
                errors.Add($"route {route.EndpointId}: the tenant or model name is not valid");
                continue;
            }

            if (route.AllowedMethods is { } methods && !MethodSet.TryParse(methods, out _))
            {
                errors.Add($"route {route.TenantSlug}/{route.Model}: the method list names a method the gateway never forwards");
                continue;
            }

            if (route.StreamMaxDurationSeconds is < 1 || route.StreamMaxIdleSeconds is < 1)
            {
                errors.Add($"route {route.TenantSlug}/{route.Model}: a stream bound is out of range");
                continue;
            }

            if ((route.UpstreamHeaderName is null) != (route.UpstreamHeaderValue is null))
            {
                errors.Add($"route {route.TenantSlug}/{route.Model}: the upstream credential is incomplete");
                continue;
            }

            if (EndpointRuleErrors(route) is { } ruleErrors)
            {
                errors.Add($"route {route.TenantSlug}/{route.Model}: {ruleErrors}");
                continue;
            }

            if (!routesByTenant.TryGetValue(route.TenantId, out var routes))
            {
                routesByTenant[route.TenantId] = routes = new Dictionary<string, RouteEntry>(StringComparer.Ordinal);
            }

            if (!routes.TryAdd(route.Model, new RouteEntry(route)))
            {
                errors.Add($"route {route.TenantSlug}/{route.Model} appears twice");
            }
        }

        var tenants = new List<TenantEntry>();
        foreach (var tenant in snapshot.Tenants ?? [])
        {
            if (!ConfigRules.IsTenantSlug(tenant.Slug))
            {
                errors.Add($"tenant {tenant.TenantId}: the slug is not valid");
                continue;
            }

            if (!plans.TryGetValue(tenant.PlanId, out var plan))
            {
                errors.Add($"tenant {tenant.Slug}: its plan is missing");
                continue;
            }

            var routes = routesByTenant.Remove(tenant.TenantId, out var r) ? r : [];
            tenants.Add(new TenantEntry(tenant, plan, routes.ToFrozenDictionary(StringComparer.Ordinal)));
        }

        foreach (var orphan in routesByTenant.Keys)
        {
            errors.Add($"routes for unknown tenant {orphan}");
        }

        if (tenants.GroupBy(t => t.Slug).Any(g => g.Count() > 1) || tenants.GroupBy(t => t.Id).Any(g => g.Count() > 1))
        {
            errors.Add("a tenant slug or id appears twice");
        }

        foreach (var block in snapshot.Blocks ?? [])
        {
            if (BlockSet.Invalid(block) is { } problem)
            {
                errors.Add(problem);
            }
        }

        var issuers = Authentication.TokenIssuers.Build(snapshot, tenants.Select(t => t.Id).ToHashSet(), errors);
        if (errors.Count > 0)
        {
            return null;
        }

        return new Rest(
            tenants.ToFrozenDictionary(t => t.Slug, StringComparer.Ordinal),
            tenants.ToFrozenDictionary(t => t.Id),
            new BlockSet((snapshot.Blocks ?? []).Where(b => b.ExpiresAt > now).ToList()),
            issuers);
    }

    private static IEnumerable<CompactKey> CompactKeys(IReadOnlyList<ApiKeySnapshot>? keys, List<string> errors)
    {
        foreach (var key in keys ?? [])
        {
            if (CompactKey.From(key, out var problem) is { } compact)
            {
                yield return compact;
            }
            else
            {
                errors.Add(problem!);
            }
        }
    }

    /// <summary>
    /// Applies delta changes on top of <paramref name="state"/>, giving the state at <paramref name="revision"/>. Each
    /// change is an upsert or removal by id, exactly as the compiler's next snapshot would have it, so the content
    /// hash of the result equals the compiler's. Key changes copy only the key-table shards they touch; the rest of
    /// the configuration (small) is rebuilt only when a plan, tenant or route changed, and its digest is carried over
    /// when only keys changed.
    /// </summary>
    public static NodeState? Apply(NodeState state, long revision, IReadOnlyList<ConfigChange> changes, DateTimeOffset now, List<string> errors)
    {
        var source = state.Source;
        Dictionary<Guid, PlanSnapshot>? plans = null;
        Dictionary<Guid, TenantSnapshot>? tenants = null;
        Dictionary<Guid, RouteSnapshot>? routes = null;
        Dictionary<Guid, BlockSnapshot>? blocks = null;
        Dictionary<Guid, OAuthClientSnapshot>? clients = null;
        Dictionary<Guid, ExternalIssuerSnapshot>? externals = null;
        var platformIssuer = source.PlatformIssuer;
        var issuersChanged = false;
        var keyChanges = new List<ConfigChange>();
        foreach (var change in changes)
        {
            switch (change)
            {
                case PlanChanged { Plan: { } plan }:
                    (plans ??= source.Plans.ToDictionary(p => p.PlanId))[plan.PlanId] = plan;
                    break;
                case TenantChanged { Tenant: { } tenant }:
                    (tenants ??= source.Tenants.ToDictionary(t => t.TenantId))[tenant.TenantId] = tenant;
                    break;
                case RouteChanged { Route: { } route }:
                    (routes ??= source.Routes.ToDictionary(r => r.EndpointId))[route.EndpointId] = route;
                    break;
                case RouteRemoved removed:
                    if (routes is not null || source.Routes.Any(r => r.EndpointId == removed.EndpointId))
                    {
                        (routes ??= source.Routes.ToDictionary(r => r.EndpointId)).Remove(removed.EndpointId);
                    }

                    break;
                case ApiKeyChanged { Key: not null }:
                case ApiKeyRemoved:
                    keyChanges.Add(change);
                    break;
                case BlockIssued { Block: { } block }:
                    if (BlockSet.Invalid(block) is { } problem)
                    {
                        errors.Add(problem);
                    }

                    (blocks ??= source.Blocks.ToDictionary(b => b.BlockId))[block.BlockId] = block;
                    break;
                case BlockLifted lifted:
                    (blocks ??= source.Blocks.ToDictionary(b => b.BlockId)).Remove(lifted.BlockId);
                    break;
                case OAuthClientChanged { Client: { } client }:
                    (clients ??= (source.OAuthClients ?? []).ToDictionary(c => c.Id))[client.Id] = client;
                    issuersChanged = true;
                    break;
                case OAuthClientRemoved removed:
                    issuersChanged |= (clients ??= (source.OAuthClients ?? []).ToDictionary(c => c.Id)).Remove(removed.Id);
                    break;
                case ExternalIssuerChanged { Issuer: { } external }:
                    (externals ??= (source.ExternalIssuers ?? []).ToDictionary(i => i.IssuerId))[external.IssuerId] = external;
                    issuersChanged = true;
                    break;
                case ExternalIssuerRemoved removed:
                    issuersChanged |= (externals ??= (source.ExternalIssuers ?? []).ToDictionary(i => i.IssuerId)).Remove(removed.IssuerId);
                    break;
                case PlatformIssuerChanged issuer:
                    platformIssuer = issuer.Issuer;
                    issuersChanged = true;
                    break;
                default:
                    errors.Add($"a {change.GetType().Name} change without its data");
                    break;
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var next = source with
        {
            Revision = revision,
            Plans = plans is null ? source.Plans : [.. plans.Values.OrderBy(p => p.PlanId)],
            Tenants = tenants is null ? source.Tenants : [.. tenants.Values.OrderBy(t => t.TenantId)],
            Routes = routes is null ? source.Routes : [.. routes.Values.OrderBy(r => r.TenantSlug, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal)],
            Blocks = blocks is null ? source.Blocks : [.. blocks.Values.OrderBy(b => b.BlockId)],
            OAuthClients = clients is null ? source.OAuthClients ?? [] : [.. clients.Values.OrderBy(c => c.Id)],
            ExternalIssuers = externals is null ? source.ExternalIssuers ?? [] : [.. externals.Values.OrderBy(i => i.IssuerId)],
            PlatformIssuer = platformIssuer,
        };

        var rebuild = plans is not null || tenants is not null || routes is not null;
        var rest = rebuild ? BuildRest(next, now, errors) : null;
        if (rebuild && rest is null)
        {
            return null;
        }

        var tenantsById = rest?.TenantsById ?? state.TenantsById;
        var keys = keyChanges.Count == 0 ? state.Keys : ApplyKeys(state.Keys, keyChanges, tenantsById, errors);
        if (errors.Count > 0)
        {
            return null;
        }

        var blockSet = rest?.Blocks ?? (blocks is null ? state.Blocks : new BlockSet(next.Blocks.Where(b => b.ExpiresAt > now).ToList()));
        // A revoked client or a retired key, like a revoked API key, takes effect without rebuilding the rest.
        var issuers = rest?.Issuers
            ?? (issuersChanged ? Authentication.TokenIssuers.Build(next, tenantsById.Keys.ToHashSet(), errors) : state.Issuers);
        if (errors.Count > 0)
        {
            return null;
        }

        var restDigest = rebuild || blocks is not null || issuersChanged ? null : state.RestDigest;
        return new NodeState(next, rest?.TenantsBySlug ?? state.TenantsBySlug, tenantsById, keys, blockSet, restDigest) { Issuers = issuers };
    }

    private static KeyTable ApplyKeys(KeyTable keys, List<ConfigChange> changes, FrozenDictionary<Guid, TenantEntry> tenants, List<string> errors)
    {
        var builder = new KeyTableBuilder(keys, tenants.ContainsKey, errors);
        foreach (var change in changes)
        {
            if (change is ApiKeyChanged { Key: { } key })
            {
                if (CompactKey.From(key, out var problem) is { } compact)
                {
                    builder.Upsert(compact);
                }
                else
                {
                    errors.Add(problem!);
                }
            }
            else if (change is ApiKeyRemoved removed)
            {
                builder.Remove(removed.KeyId);
            }
        }

        return builder.Finish();
    }

    /// <summary>The image rules and output hardening, checked with the same bounds the admin API and the compiler use.</summary>
    private static string? EndpointRuleErrors(RouteSnapshot route)
    {
        var ruleErrors = new List<(string Field, string Message)>();
        if (route.ImageRules is { } images)
        {
            EndpointRules.Validate(images, "imageRules", ruleErrors);
        }

        if (route.OutputHardening is { } hardening)
        {
            EndpointRules.Validate(hardening, "outputHardening", ruleErrors);
        }

        return ruleErrors.Count == 0 ? null : string.Join("; ", ruleErrors.Select(e => $"{e.Field}: {e.Message}"));
    }
}
