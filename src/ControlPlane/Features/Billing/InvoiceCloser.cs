using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>
/// The scheduled close: once a month has ended (plus <see cref="BillingOptions.CloseDelay"/>), every tenant gets its
/// finalized invoice for it. Every replica runs this; the unique (tenant, month) index makes the close idempotent:
/// the replica whose insert loses the race finds the invoice written and moves on.
/// </summary>
internal sealed partial class InvoiceCloser(IServiceScopeFactory scopes, TimeProvider time, IOptions<BillingOptions> options, ILogger<InvoiceCloser> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CloseDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCloseFailed(logger, ex.GetType().Name);
            }

            try
            {
                await Task.Delay(options.Value.CloseInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Finalizes every month that is due and not invoiced yet; returns how many invoices this call wrote.</summary>
    public async Task<int> CloseDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lastClosable = BillingPeriod.Containing(now - options.Value.CloseDelay);
        BillingPeriod.TryParse(options.Value.FirstPeriod, out var first);
        if (first is { } firstPeriod && firstPeriod.Start >= lastClosable.Start)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var tenants = await db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.CreatedAt }).ToListAsync(ct);

        // Months close in order, so a tenant with an invoice for the newest closable month has them all: between
        // month boundaries one query per run, not one per tenant.
        var newest = lastClosable.Start.AddMonths(-1);
        var closed = (await db.Invoices.AsNoTracking().Where(i => i.PeriodStart == newest).Select(i => i.TenantId).ToListAsync(ct)).ToHashSet();
        var written = 0;
        foreach (var tenant in tenants)
        {
            if (closed.Contains(tenant.Id) || tenant.CreatedAt >= lastClosable.Start)
            {
                continue;
            }

            var last = await db.Invoices.AsNoTracking().Where(i => i.TenantId == tenant.Id)
                .OrderByDescending(i => i.PeriodStart).Select(i => (DateTimeOffset?)i.PeriodStart).FirstOrDefaultAsync(ct);
            var period = last is { } l ? BillingPeriod.Containing(l).Next : BillingPeriod.Containing(tenant.CreatedAt);
            if (first is { } f && period.Start < f.Start)
            {
                period = f;
            }

            // The month containing now - delay is still open; every month before it is closable.
            for (; period.Start < lastClosable.Start; period = period.Next)
            {
                if (await FinalizeAsync(scope.ServiceProvider, tenant.Id, period, now, ct))
                {
                    written++;
                }
            }
        }

        return written;
    }

    private async Task<bool> FinalizeAsync(IServiceProvider services, Guid tenantId, BillingPeriod period, DateTimeOffset now, CancellationToken ct)
    {
        var db = services.GetRequiredService<ControlPlaneDbContext>();
        var start = period.Start;
        if (await db.Invoices.AnyAsync(i => i.TenantId == tenantId && i.PeriodStart == start, ct)
            || await services.GetRequiredService<BillingLedger>().DraftAsync(tenantId, period, ct) is not { } draft)
        {
            return false;
        }

        var invoice = new Invoice
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            Number = $"{draft.Tenant.Slug}-{period.Start:yyyyMM}",
            PeriodStart = period.Start,
            PeriodEnd = period.End,
            PlanId = draft.Plan.Id,
            PlanName = draft.Plan.Name,
            Currency = draft.Invoice.Currency,
            Total = draft.Invoice.Total,
            Status = InvoiceStatus.Finalized,
            FinalizedAt = now,
            UsageRows = BillingLedger.WriteRows(draft.Rows),
            StripeState = options.Value.Stripe.Enabled ? StripeSyncState.Pending : StripeSyncState.NotConfigured,
            StripeNextAttemptAt = options.Value.Stripe.Enabled ? now : null,
        };
        invoice.Lines = draft.Invoice.Lines.Select((l, i) => new InvoiceLine
        {
            Id = Guid.CreateVersion7(),
            InvoiceId = invoice.Id,
            Position = i,
            Kind = l.Kind,
            Description = l.Description,
            Quantity = l.Quantity,
            Included = l.Included,
            Billable = l.Billable,
            UnitPrice = l.UnitPrice,
            UnitSize = l.UnitSize,
            Amount = l.Amount,
        }).ToList();
        db.Invoices.Add(invoice);
        db.AuditEvents.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            At = now,
            Actor = "system",
            TenantId = tenantId,
            Action = "invoice.finalized",
            Target = $"invoice/{invoice.Id}",
            Summary = $"Finalized invoice {invoice.Number}: {Currencies.Format(invoice.Total, invoice.Currency)} {invoice.Currency}.",
        });

        try
        {
            // One SaveChanges is one transaction: the invoice, its lines and the audit event, or nothing.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.Invoices.AsNoTracking().AnyAsync(i => i.TenantId == tenantId && i.PeriodStart == start, ct))
            {
                throw;
            }

            LogClosedElsewhere(logger, tenantId, period.Label);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        LogFinalized(logger, invoice.Number, tenantId, period.Label);
        return true;
    }

    [LoggerMessage(EventId = 4400, Level = LogLevel.Information, Message = "Finalized invoice {Number} of tenant {TenantId} for {Period}")]
    private static partial void LogFinalized(ILogger logger, string number, Guid tenantId, string period);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Debug, Message = "Invoice of tenant {TenantId} for {Period} was finalized by another replica")]
    private static partial void LogClosedElsewhere(ILogger logger, Guid tenantId, string period);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Closing billing periods failed ({Error}); trying again at the next interval")]
    private static partial void LogCloseFailed(ILogger logger, string error);
}
