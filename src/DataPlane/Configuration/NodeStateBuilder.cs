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
    public static NodeState? Build(ConfigSnapshot snapshot, DateTimeOffset now, List<string> errors)
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

        var tenantIds = tenants.Select(t => t.Id).ToHashSet();
        var keys = new Dictionary<KeyHash, KeyEntry>();
        foreach (var key in snapshot.Keys ?? [])
        {
            AddKey(keys, key, tenantIds, errors);
        }

        foreach (var block in snapshot.Blocks ?? [])
        {
            if (BlockSet.Invalid(block) is { } problem)
            {
                errors.Add(problem);
            }
        }

        var issuers = Authentication.TokenIssuers.Build(snapshot, tenantIds, errors);
        if (errors.Count > 0)
        {
            return null;
        }

        return new NodeState(
            snapshot,
            tenants.ToFrozenDictionary(t => t.Slug, StringComparer.Ordinal),
            tenants.ToFrozenDictionary(t => t.Id),
            keys,
            new BlockSet((snapshot.Blocks ?? []).Where(b => b.ExpiresAt > now).ToList()))
        {
            Issuers = issuers,
        };
    }

    /// <summary>
    /// Applies delta changes on top of <paramref name="state"/>, giving the state at <paramref name="revision"/>. The
    /// snapshot the state is built from changes item by item (upsert or remove by id), exactly as the compiler's
    /// next snapshot would, so the content hash of the result equals the compiler's. Keys and blocks, the
    /// revocation fast path, update the lookup tables in place; anything else rebuilds the state.
    /// </summary>
    public static NodeState? Apply(NodeState state, long revision, IReadOnlyList<ConfigChange> changes, DateTimeOffset now, List<string> errors)
    {
        var source = state.Source;
        var plans = source.Plans.ToDictionary(p => p.PlanId);
        var tenants = source.Tenants.ToDictionary(t => t.TenantId);
        var routes = source.Routes.ToDictionary(r => r.EndpointId);
        var keyList = source.Keys.ToDictionary(k => k.KeyId);
        var blockList = source.Blocks.ToDictionary(b => b.BlockId);
        var clientList = (source.OAuthClients ?? []).ToDictionary(c => c.Id);
        var externalList = (source.ExternalIssuers ?? []).ToDictionary(i => i.IssuerId);
        var platformIssuer = source.PlatformIssuer;
        var issuersChanged = false;
        var rebuild = false;
        foreach (var change in changes)
        {
            switch (change)
            {
                case PlanChanged { Plan: { } plan }:
                    plans[plan.PlanId] = plan;
                    rebuild = true;
                    break;
                case TenantChanged { Tenant: { } tenant }:
                    tenants[tenant.TenantId] = tenant;
                    rebuild = true;
                    break;
                case RouteChanged { Route: { } route }:
                    routes[route.EndpointId] = route;
                    rebuild = true;
                    break;
                case RouteRemoved removed:
                    rebuild |= routes.Remove(removed.EndpointId);
                    break;
                case ApiKeyChanged { Key: { } key }:
                    keyList[key.KeyId] = key;
                    break;
                case ApiKeyRemoved removed:
                    keyList.Remove(removed.KeyId);
                    break;
                case BlockIssued { Block: { } block }:
                    if (BlockSet.Invalid(block) is { } problem)
                    {
                        errors.Add(problem);
                    }

                    blockList[block.BlockId] = block;
                    break;
                case BlockLifted lifted:
                    blockList.Remove(lifted.BlockId);
                    break;
                case OAuthClientChanged { Client: { } client }:
                    clientList[client.Id] = client;
                    issuersChanged = true;
                    break;
                case OAuthClientRemoved removed:
                    issuersChanged |= clientList.Remove(removed.Id);
                    break;
                case ExternalIssuerChanged { Issuer: { } external }:
                    externalList[external.IssuerId] = external;
                    issuersChanged = true;
                    break;
                case ExternalIssuerRemoved removed:
                    issuersChanged |= externalList.Remove(removed.IssuerId);
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
            Plans = [.. plans.Values.OrderBy(p => p.PlanId)],
            Tenants = [.. tenants.Values.OrderBy(t => t.TenantId)],
            Routes = [.. routes.Values.OrderBy(r => r.TenantSlug, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal)],
            Keys = [.. keyList.Values.OrderBy(k => k.KeyId)],
            Blocks = [.. blockList.Values.OrderBy(b => b.BlockId)],
            OAuthClients = [.. clientList.Values.OrderBy(c => c.Id)],
            ExternalIssuers = [.. externalList.Values.OrderBy(i => i.IssuerId)],
            PlatformIssuer = platformIssuer,
        };
        if (rebuild)
        {
            return Build(next, now, errors);
        }

        var keys = new Dictionary<KeyHash, KeyEntry>(state.KeysByHash);
        var tenantIds = state.TenantsById.Keys.ToHashSet();
        foreach (var change in changes)
        {
            switch (change)
            {
                case ApiKeyChanged { Key: { } key }:
                    RemoveKey(keys, key.KeyId);
                    AddKey(keys, key, tenantIds, errors);
                    break;
                case ApiKeyRemoved removed:
                    RemoveKey(keys, removed.KeyId);
                    break;
            }
        }

        // A revoked client or a retired key, like a revoked API key, takes effect without rebuilding the rest.
        var issuers = issuersChanged ? Authentication.TokenIssuers.Build(next, tenantIds, errors) : state.Issuers;
        if (errors.Count > 0)
        {
            return null;
        }

        return new NodeState(next, state.TenantsBySlug, state.TenantsById, keys, new BlockSet(next.Blocks.Where(b => b.ExpiresAt > now).ToList()))
        {
            Issuers = issuers,
        };
    }

    private static void AddKey(Dictionary<KeyHash, KeyEntry> keys, ApiKeySnapshot key, HashSet<Guid> tenantIds, List<string> errors)
    {
        if (!tenantIds.Contains(key.TenantId))
        {
            errors.Add($"key {key.PublicId}: its tenant is unknown");
            return;
        }

        if (!KeyHash.TryParseHex(key.Hash, out var hash, out var hashBytes))
        {
            errors.Add($"key {key.PublicId}: the hash is not 64 hex digits");
            return;
        }

        var models = key.AllowedModels?.ToFrozenSet(StringComparer.Ordinal);
        if (!keys.TryAdd(hash, new KeyEntry { KeyId = key.KeyId, PublicId = key.PublicId, TenantId = key.TenantId, Hash = hashBytes, AllowedModels = models, ExpiresAt = key.ExpiresAt }))
        {
            errors.Add($"key {key.PublicId}: its hash appears twice");
        }

        if (key.PreviousHash is not null)
        {
            if (!KeyHash.TryParseHex(key.PreviousHash, out var previous, out var previousBytes) || key.PreviousHashExpiresAt is null)
            {
                errors.Add($"key {key.PublicId}: the previous hash is invalid");
                return;
            }

            keys.TryAdd(previous, new KeyEntry
            {
                KeyId = key.KeyId, PublicId = key.PublicId, TenantId = key.TenantId, Hash = previousBytes, AllowedModels = models,
                ExpiresAt = key.ExpiresAt, GraceUntil = key.PreviousHashExpiresAt,
            });
        }
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

    private static void RemoveKey(Dictionary<KeyHash, KeyEntry> keys, Guid keyId)
    {
        foreach (var stale in keys.Where(k => k.Value.KeyId == keyId).Select(k => k.Key).ToList())
        {
            keys.Remove(stale);
        }
    }
}
