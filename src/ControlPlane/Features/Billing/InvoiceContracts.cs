using InferenceGateway.ControlPlane.Data.Billing;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>An invoice as finance reads it: a finalized one (with an id and Stripe state) or the live draft of an open month.</summary>
internal sealed record InvoiceResponse(
    Guid? Id,
    string? Number,
    Guid TenantId,
    string TenantSlug,
    string Period,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    InvoiceStatus Status,
    string PlanName,
    string Currency,
    decimal Total,
    IReadOnlyList<InvoiceLineResponse> Lines,
    DateTimeOffset? FinalizedAt,
    DateTimeOffset? PaidAt,
    StripeSyncResponse? Stripe)
{
    public static InvoiceResponse From(Invoice i, string tenantSlug, string? stripeCustomerId) => new(
        i.Id, i.Number, i.TenantId, tenantSlug, BillingPeriod.Containing(i.PeriodStart).Label, i.PeriodStart, i.PeriodEnd, i.Status, i.PlanName, i.Currency,
        Currencies.Round(i.Total, i.Currency),
        i.Lines.OrderBy(l => l.Position).Select(l => new InvoiceLineResponse(
            l.Kind, l.Description, l.Quantity, l.Included, l.Billable, Currencies.Normalize(l.UnitPrice), l.UnitSize, Currencies.Round(l.Amount, i.Currency), l.StripeInvoiceItemId)).ToList(),
        i.FinalizedAt,
        i.PaidAt,
        new StripeSyncResponse(i.StripeState, stripeCustomerId, i.StripeInvoiceId, i.StripeAttempts, i.StripeNextAttemptAt, i.StripeLastError, i.StripeSyncedAt));

    public static InvoiceResponse From(DraftInvoice d) => new(
        null, null, d.Tenant.Id, d.Tenant.Slug, d.Period.Label, d.Period.Start, d.Period.End, InvoiceStatus.Draft, d.Plan.Name, d.Invoice.Currency, d.Invoice.Total,
        d.Invoice.Lines.Select(l => new InvoiceLineResponse(l.Kind, l.Description, l.Quantity, l.Included, l.Billable, l.UnitPrice, l.UnitSize, l.Amount, null)).ToList(),
        null,
        null,
        null);
}

/// <summary>One line: <c>amount = round(billable × unitPrice ÷ unitSize)</c>, <c>billable = max(0, quantity − included)</c>.</summary>
internal sealed record InvoiceLineResponse(
    InvoiceLineKind Kind, string Description, long Quantity, long Included, long Billable, decimal UnitPrice, long UnitSize, decimal Amount, string? StripeInvoiceItemId);

internal sealed record StripeSyncResponse(
    StripeSyncState State, string? CustomerId, string? InvoiceId, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset? SyncedAt);

/// <summary>The drill-down of an invoice: the day aggregates behind its lines, and per line their sum (always equal to the line's quantity).</summary>
internal sealed record InvoiceUsageResponse(Guid? InvoiceId, string Period, IReadOnlyList<InvoiceUsageTotal> Lines, IReadOnlyList<InvoiceUsageRow> Aggregates);

internal sealed record InvoiceUsageTotal(InvoiceLineKind Kind, long LineQuantity, long AggregatesSum);

internal sealed record StripeWebhookResponse(string EventId, string Type, bool Applied);
