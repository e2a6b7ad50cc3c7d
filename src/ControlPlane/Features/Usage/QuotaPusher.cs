using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>
/// Pushes each quota-bound tenant's consumption of the month to the nodes: right after the ledger ingested a usage
/// batch (<see cref="QuotaPushSignal"/>, at most one pass per <see cref="UsageOptions.QuotaPushMinGap"/>) and every
/// <see cref="UsageOptions.QuotaPushInterval"/> as a fallback. A pass reads the ledger, and for tenants whose
/// figures moved stores them on the tenant and publishes them as <c>TenantChanged</c> deltas in one revision. Nodes
/// add what they serve themselves until the next push. When a tenant reaches a quota, it records a quota event
/// (audit action <c>quota.exceeded</c>) once per quota and month, hard or soft.
/// </summary>
/// <remarks>
/// Among control-plane replicas on PostgreSQL one leads (<see cref="QuotaPushLeadership"/>): it runs the passes, and
/// the others forward their wake-ups to it. Each pass also holds a transaction advisory lock, so passes never
/// overlap even if two replicas believed they led. SQLite (standalone, one process) needs neither.
/// </remarks>
internal sealed partial class QuotaPusher(
    IServiceScopeFactory scopes, QuotaPushSignal signal, QuotaPushLeadership leadership, IOptions<UsageOptions> options, TimeProvider time,
    ILogger<QuotaPusher> logger)
    : BackgroundService
{
    internal const long AdvisoryLockKey = 0x1697_0014;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? postgres;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            postgres = db.IsSqlite ? null : db.Database.GetConnectionString();
        }

        var leading = postgres is null ? Task.CompletedTask : leadership.RunAsync(postgres, stoppingToken);
        try
        {
            await PushLoopAsync(leads: () => postgres is null || leadership.IsLeader, stoppingToken);
        }
        finally
        {
            try
            {
                await leading;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task PushLoopAsync(Func<bool> leads, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.QuotaPushInterval, time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var wake = signal.WaitAsync(stoppingToken);
        long? lastPass = null;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = await Task.WhenAny(tick, wake);
            if (woken == tick)
            {
                if (!await tick)
                {
                    return;
                }

                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }
            else
            {
                await wake;
                wake = signal.WaitAsync(stoppingToken);
            }

            // Only the leader passes; another replica's fallback tick does nothing, its wake-up goes to the leader.
            var forward = !leads();
            if (forward && woken == tick)
            {
                continue;
            }

            if (lastPass is { } last && options.Value.QuotaPushMinGap - time.GetElapsedTime(last) is { Ticks: > 0 } rest)
            {
                await Task.Delay(rest, time, stoppingToken);
            }

            lastPass = time.GetTimestamp();
            try
            {
                if (forward)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await QuotaPushLeadership.ForwardAsync(scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>(), stoppingToken);
                }
                else if (await PushOnceAsync(stoppingToken) is null)
                {
                    // Another replica's pass may have read the ledger before a batch this replica committed: look again.
                    signal.Notify();
                }

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

    /// <summary>One pass; returns how many tenants' figures were pushed, or null when another replica's pass holds the lock.</summary>
    public async Task<int?> PushOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var publisher = scope.ServiceProvider.GetRequiredService<ConfigPublisher>();

        // PostgreSQL: the lock, the reads and the writes in one transaction, so no two replicas push from the same
        // reading. SQLite: one process, and a transaction only around the writes (a deferred read would block writers).
        await using var transaction = db.IsSqlite ? null : await db.Database.BeginTransactionAsync(cancellationToken);
        if (transaction is not null)
        {
            var locked = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey}) AS \"Value\"").ToListAsync(cancellationToken);
            if (!locked.Single())
            {
                return null;
            }
        }

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
        var credentialSpend = await Budgets.BudgetSpendReader.CredentialsAsync(db, now, tenants, cancellationToken);
        var delta = new List<ConfigChange>();
        foreach (var tenant in tenants)
        {
            var figures = consumed.GetValueOrDefault(tenant.Id);
            var samePeriod = tenant.QuotaPeriodStart == period;
            var spend = Budgets.BudgetSpendReader.Apply(tenant, figures, today, now);
            spend |= Budgets.BudgetSpendReader.ApplyCredentials(tenant, credentialSpend);
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

        await using var writes = transaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await db.SaveChangesAsync(cancellationToken);
        await publisher.AddRevisionAsync(delta, "quota.usage", now, cancellationToken);
        await (transaction ?? writes!).CommitAsync(cancellationToken);
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

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Pushing quota consumption to the nodes failed ({Error}); retried at the next batch or interval")]
    private static partial void LogPushFailed(ILogger logger, string error);
}
