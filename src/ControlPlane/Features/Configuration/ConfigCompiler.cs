using System.Data;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Rules;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>The outcome of compiling: the snapshot, and every item left out of it with the reason.</summary>
/// <remarks><see cref="Keys"/> are the snapshot's keys in compact form (its <c>Keys</c> list is a view over them); <see cref="KeySum"/> their sum.</remarks>
internal sealed record CompileResult(long Revision, ConfigSnapshot Snapshot, IReadOnlyList<string> Problems, CompactKey[] Keys, KeySum KeySum);

/// <summary>
/// Turns the database into the immutable snapshot data-plane nodes run on. It reads everything in one
/// database snapshot together with the revision number, sorts every list so identical inputs give identical
/// output, and validates every item: what cannot be served safely (an endpoint whose address the allow-list no
/// longer admits, a credential that no longer decrypts...) is left out and reported, so the snapshot served is
/// always valid and the rest of the configuration keeps flowing.
/// </summary>
internal sealed class ConfigCompiler(ControlPlaneDbContext db, SnapshotMapper mapper, ConfigSigner signer, Identity.IssuerKeys issuerKeys, TimeProvider time)
{
    public async Task<long> CurrentRevisionAsync(CancellationToken cancellationToken) =>
        await db.ConfigState.AsNoTracking().Select(s => s.Revision).SingleAsync(cancellationToken);

    public async Task<CompileResult> CompileAsync(CancellationToken cancellationToken)
    {
        // One consistent read: the revision and the rows it describes.
        await using var transaction = await db.Database.BeginTransactionAsync(
            db.IsSqlite ? IsolationLevel.Serializable : IsolationLevel.RepeatableRead, cancellationToken);
        var state = await db.ConfigState.AsNoTracking().SingleAsync(cancellationToken);
        var revision = state.Revision;
        var plans = await db.Plans.AsNoTracking().ToListAsync(cancellationToken);
        var tenants = await db.Tenants.AsNoTracking().ToListAsync(cancellationToken);
        var endpoints = await db.ModelEndpoints.AsNoTracking().Where(e => e.Enabled).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var blocks = await db.Blocks.AsNoTracking().Where(b => b.LiftedAt == null && b.ExpiresAt > now).ToListAsync(cancellationToken);
        var clients = await db.OAuthClients.AsNoTracking().Where(c => c.RevokedAt == null).ToListAsync(cancellationToken);
        var externalIssuers = await db.ExternalIssuers.AsNoTracking().ToListAsync(cancellationToken);
        var signingKeys = await db.SigningKeys.AsNoTracking().Where(k => k.Use == Data.Identity.SigningKeyUse.Signing).ToListAsync(cancellationToken);

        // Anything that cannot be served safely is left out and reported, item by item. The rest of the
        // configuration still flows: one broken endpoint must not hold back a revocation or a block.
        var problems = new List<string>();
        var validPlans = new List<Plan>();
        foreach (var plan in plans)
        {
            if (!ConfigRules.IsPlanServable(plan.RequestsPerSecondPerKey, plan.BurstPerKey, plan.RequestsPerSecondPerTenant, plan.BurstPerTenant, plan.MaxRequestBodyBytes))
            {
                problems.Add($"plan {plan.Id} left out (with its tenants): a rate, burst or body limit is out of range");
            }
            else
            {
                validPlans.Add(plan);
            }
        }

        var planIds = validPlans.Select(p => p.Id).ToHashSet();
        var validTenants = new List<Tenant>();
        foreach (var tenant in tenants)
        {
            if (planIds.Contains(tenant.PlanId))
            {
                validTenants.Add(tenant);
            }
            else
            {
                problems.Add($"tenant {tenant.Id} left out: its plan {tenant.PlanId} is missing or left out");
            }
        }

        var tenantsById = validTenants.ToDictionary(t => t.Id);

        // The keys last and streamed, in the same read: at a million keys they are nearly all of it.
        var (keys, keySum) = await CompiledKeys.ReadAsync(db, tenantsById.Keys.ToHashSet(), problems, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var routes = new List<RouteSnapshot>(endpoints.Count);
        foreach (var endpoint in endpoints.Where(e => tenantsById.ContainsKey(e.TenantId)).OrderBy(e => e.Id))
        {
            if (mapper.Route(endpoint, tenantsById[endpoint.TenantId], problems) is { } route)
            {
                routes.Add(route);
            }
        }

        foreach (var duplicate in routes.GroupBy(r => (r.TenantSlug, r.Model)).Where(g => g.Count() > 1).ToList())
        {
            problems.Add($"tenant '{duplicate.Key.TenantSlug}' has {duplicate.Count()} endpoints for the model '{duplicate.Key.Model}'; all of them are left out");
            routes.RemoveAll(r => r.TenantSlug == duplicate.Key.TenantSlug && r.Model == duplicate.Key.Model);
        }

        var content = new ConfigSnapshot
        {
            Revision = 0,
            CompiledAt = default,
            ContentHash = string.Empty,
            Plans = validPlans.OrderBy(p => p.Id).Select(SnapshotMapper.Plan).ToList(),
            Tenants = validTenants.OrderBy(t => t.Id).Select(SnapshotMapper.Tenant).ToList(),
            Routes = routes.OrderBy(r => r.TenantSlug, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal).ToList(),
            Blocks = blocks.OrderBy(b => b.Id).Select(SnapshotMapper.Block).ToList(),
            OAuthClients = clients.Where(c => tenantsById.ContainsKey(c.TenantId)).OrderBy(c => c.Id).Select(SnapshotMapper.OAuthClient).ToList(),
            ExternalIssuers = externalIssuers.Where(i => tenantsById.ContainsKey(i.TenantId)).OrderBy(i => i.Id).Select(SnapshotMapper.ExternalIssuer).ToList(),
            PlatformIssuer = issuerKeys.Snapshot(signingKeys),
        };
        var snapshot = content with
        {
            Revision = revision,
            Epoch = state.Epoch,
            CompiledAt = now,
            ContentHash = ConfigContent.Combine(ConfigContent.RestDigest(content), keySum),
            SigningKeys = signer.PublicKeys,
            Keys = new CompactKeyList(keys),
        };
        return new CompileResult(revision, snapshot, problems, keys, keySum);
    }
}
