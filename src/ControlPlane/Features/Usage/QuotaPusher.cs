using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>
/// Pushes each quota-bound tenant's consumption of the month to the nodes: every interval it reads the ledger,
/// and for tenants whose figures moved stores them on the tenant and publishes them as <c>TenantChanged</c> deltas
/// in one revision. Nodes add what they serve themselves until the next push. When a tenant reaches a quota, it
/// records a quota event (audit action <c>quota.exceeded</c>) once per quota and month, hard or soft.
/// </summary>
internal sealed partial class QuotaPusher(
    IServiceScopeFactory scopes, IOptions<UsageOptions> options, TimeProvider time, ILogger<QuotaPusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.QuotaPushInterval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PushOnceAsync(stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    LogPushFailed(logger, ex.GetType().Name);
                }

                failing = true;
            }
        }
    }

    /// <summary>One pass; returns how many tenants' figures were pushed.</summary>
    public async Task<int> PushOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var publisher = scope.ServiceProvider.GetRequiredService<ConfigPublisher>();
        var now = time.GetUtcNow();
        var (period, _) = QuotaConsumption.PeriodOf(now);
        var tenants = await db.Tenants.Include(t => t.Plan)
            .Where(t => t.Plan!.MonthlyRequestQuota != null || t.Plan.MonthlyInputTokenQuota != null || t.Plan.MonthlyOutputTokenQuota != null
                || t.Plan.BudgetTenantMonthly != null || t.Plan.BudgetTenantDaily != null || t.Plan.BudgetKeyMonthly != null || t.Plan.BudgetKeyDaily != null)
            .ToListAsync(cancellationToken);
        if (tenants.Count == 0)
        {
            return 0;
        }

        var consumed = await QuotaConsumption.ReadAsync(db, period, tenants.Select(t => t.Id).ToList(), cancellationToken);
        var today = await Budgets.BudgetSpendReader.TodayAsync(db, now, tenants, cancellationToken);
        var delta = new List<ConfigChange>();
        foreach (var tenant in tenants)
        {
            var figures = consumed.GetValueOrDefault(tenant.Id);
            var samePeriod = tenant.QuotaPeriodStart == period;
            var spend = Budgets.BudgetSpendReader.Apply(tenant, figures, today, now);
            if (samePeriod && !spend && figures == new Consumed(tenant.QuotaRequestsConsumed, tenant.QuotaInputTokensConsumed, tenant.QuotaOutputTokensConsumed))
            {
                continue;
            }

            var before = samePeriod ? new Consumed(tenant.QuotaRequestsConsumed, tenant.QuotaInputTokensConsumed, tenant.QuotaOutputTokensConsumed) : default;
            RecordCrossings(db, tenant, before, figures, now);
            tenant.QuotaPeriodStart = period;
            tenant.QuotaRequestsConsumed = figures.Requests;
            tenant.QuotaInputTokensConsumed = figures.InputTokens;
            tenant.QuotaOutputTokensConsumed = figures.OutputTokens;
            delta.Add(new TenantChanged { Tenant = SnapshotMapper.Tenant(tenant) });
        }

        if (delta.Count == 0)
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await publisher.AddRevisionAsync(delta, "quota.usage", now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        publisher.Committed();
        return delta.Count;
    }

    /// <summary>A quota event the first time a push finds a quota reached in the month.</summary>
    private static void RecordCrossings(ControlPlaneDbContext db, Tenant tenant, Consumed before, Consumed after, DateTimeOffset now)
    {
        var plan = tenant.Plan!;
        var soft = plan.QuotaEnforcement == QuotaEnforcement.Soft;
        foreach (var (name, limit, was, @is) in new[]
        {
            ("request", plan.MonthlyRequestQuota, before.Requests, after.Requests),
            ("input-token", plan.MonthlyInputTokenQuota, before.InputTokens, after.InputTokens),
            ("output-token", plan.MonthlyOutputTokenQuota, before.OutputTokens, after.OutputTokens),
        })
        {
            if (limit is { } max && was < max && @is >= max)
            {
                db.AuditEvents.Add(new AuditEvent
                {
                    Id = Guid.CreateVersion7(),
                    At = now,
                    Actor = "system",
                    TenantId = tenant.Id,
                    Action = "quota.exceeded",
                    Target = $"tenant/{tenant.Id}",
                    Summary = $"Monthly {name} quota of {max} reached ({@is} consumed); "
                        + (soft ? "soft quota: requests continue to be served." : "hard quota: further requests get 429 until the month ends."),
                });
            }
        }
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Pushing quota consumption to the nodes failed ({Error}); retried every interval")]
    private static partial void LogPushFailed(ILogger logger, string error);
}
