using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.ApiKeys;
using InferenceGateway.ControlPlane.Features.Blocks;
using InferenceGateway.ControlPlane.Features.ModelEndpoints;
using InferenceGateway.Security.Networking;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>The outcome of compiling: a valid snapshot, or every reason the configuration is not publishable.</summary>
internal sealed record CompileResult(long Revision, ConfigSnapshot? Snapshot, IReadOnlyList<string> Errors)
{
    public bool IsValid => Snapshot is not null;
}

/// <summary>
/// Turns the database into the immutable snapshot data-plane nodes run on. It reads everything in one
/// database snapshot together with the revision number, sorts every list so identical inputs give identical
/// output, and validates the whole result: an invalid configuration is reported with all its errors and
/// never served.
/// </summary>
internal sealed class ConfigCompiler(ControlPlaneDbContext db, UpstreamCredentials credentials, EndpointUrlValidator urls, TimeProvider time)
{
    public async Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) =>
        await db.ConfigState.AsNoTracking().Select(s => s.Revision).SingleAsync(cancellationToken);

    public async Task<CompileResult> CompileAsync(CancellationToken cancellationToken)
    {
        // One consistent read: the revision and the rows it describes.
        await using var transaction = await db.Database.BeginTransactionAsync(
            db.IsSqlite ? IsolationLevel.Serializable : IsolationLevel.RepeatableRead, cancellationToken);
        var revision = await CurrentRevisionAsync(cancellationToken);
        var plans = await db.Plans.AsNoTracking().ToListAsync(cancellationToken);
        var tenants = await db.Tenants.AsNoTracking().ToListAsync(cancellationToken);
        var endpoints = await db.ModelEndpoints.AsNoTracking().Where(e => e.Enabled).ToListAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var blocks = await db.Blocks.AsNoTracking().Where(b => b.LiftedAt == null && b.ExpiresAt > now).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var errors = new List<string>();
        var planIds = plans.Select(p => p.Id).ToHashSet();
        var tenantsById = tenants.ToDictionary(t => t.Id);

        foreach (var plan in plans.Where(p => !double.IsFinite(p.RequestsPerSecondPerKey) || p.RequestsPerSecondPerKey <= 0 || p.BurstPerKey < 1
                     || !double.IsFinite(p.RequestsPerSecondPerTenant) || p.RequestsPerSecondPerTenant <= 0 || p.BurstPerTenant < 1 || p.MaxRequestBodyBytes < 1))
        {
            errors.Add($"plan {plan.Id}: a rate, burst or body limit is out of range");
        }

        foreach (var tenant in tenants.Where(t => !planIds.Contains(t.PlanId)))
        {
            errors.Add($"tenant {tenant.Id}: its plan {tenant.PlanId} does not exist");
        }

        var routes = new List<RouteSnapshot>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            if (!tenantsById.TryGetValue(endpoint.TenantId, out var tenant))
            {
                errors.Add($"endpoint {endpoint.Id}: its tenant does not exist");
                continue;
            }

            if (CompileRoute(endpoint, tenant, errors) is { } route)
            {
                routes.Add(route);
            }
        }

        foreach (var duplicate in routes.GroupBy(r => (r.TenantSlug, r.Model)).Where(g => g.Count() > 1))
        {
            errors.Add($"tenant '{duplicate.Key.TenantSlug}' has {duplicate.Count()} endpoints for the model '{duplicate.Key.Model}'");
        }

        foreach (var key in keys.Where(k => k.SecretHash.Length != 32 || !tenantsById.ContainsKey(k.TenantId)))
        {
            errors.Add($"api key {key.Id}: its hash or its tenant is invalid");
        }

        if (errors.Count > 0)
        {
            return new CompileResult(revision, null, errors);
        }

        var content = new ConfigSnapshot
        {
            Revision = 0,
            CompiledAt = default,
            ContentHash = string.Empty,
            Plans = plans.OrderBy(p => p.Id).Select(ToSnapshot).ToList(),
            Tenants = tenants.OrderBy(t => t.Id).Select(t => new TenantSnapshot
            {
                TenantId = t.Id,
                Slug = t.Slug,
                Status = t.Status == TenantStatus.Active ? TenantState.Active : TenantState.Suspended,
                PlanId = t.PlanId,
            }).ToList(),
            Routes = routes.OrderBy(r => r.TenantSlug, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal).ToList(),
            Keys = keys.Where(k => k.ExpiresAt is not { } e || e > now).OrderBy(k => k.Id).Select(ApiKeySnapshots.From).ToList(),
            Blocks = blocks.OrderBy(b => b.Id).Select(BlocksApi.ToSnapshot).ToList(),
        };
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(content, ContractJson.Options)));
        return new CompileResult(revision, content with { Revision = revision, CompiledAt = now, ContentHash = hash }, errors);
    }

    private RouteSnapshot? CompileRoute(ModelEndpoint endpoint, Tenant tenant, List<string> errors)
    {
        var urlErrors = new List<string>();
        if (!EndpointUrl.TryParse(endpoint.BaseUrl, out var url, out var host, urlErrors))
        {
            errors.Add($"endpoint {endpoint.Id}: its base URL is not valid");
            return null;
        }

        // Names are checked again by every node at connect time; literal addresses can be checked here, which
        // catches an allow-list that has been narrowed since registration.
        if (host.Address is { } address && urls.Policy.Check(address) is { } reason)
        {
            errors.Add($"endpoint {endpoint.Id}: its host is {reason}");
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
                errors.Add($"endpoint {endpoint.Id}: its upstream credential cannot be decrypted (were the data-protection keys lost?)");
                return null;
            }
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
        };
    }

    private static PlanSnapshot ToSnapshot(Plan p) => new()
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
        MaxRequestBodyBytes = p.MaxRequestBodyBytes,
        AllowedModels = p.AllowedModels?.Order(StringComparer.Ordinal).ToList(),
    };
}
