namespace InferenceGateway.Contracts.Admin;

/// <summary>
/// An invoice as finance reads it: a finalized month (with an id, a number and its Stripe state) or the live draft of
/// an open month (no id). Status is <c>draft</c>, <c>finalized</c>, <c>paid</c> or <c>paymentFailed</c>.
/// </summary>
public sealed record TenantInvoiceResponse(
    Guid? Id,
    string? Number,
    Guid TenantId,
    string TenantSlug,
    string Period,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    string Status,
    string PlanName,
    string Currency,
    decimal Total,
    IReadOnlyList<TenantInvoiceLineResponse> Lines,
    DateTimeOffset? FinalizedAt,
    DateTimeOffset? PaidAt,
    InvoiceStripeResponse? Stripe);

/// <summary>Kind is <c>baseFee</c>, <c>requests</c>, <c>inputTokens</c> or <c>outputTokens</c>; amount = round(billable × unitPrice ÷ unitSize).</summary>
public sealed record TenantInvoiceLineResponse(
    string Kind, string Description, long Quantity, long Included, long Billable, decimal UnitPrice, long UnitSize, decimal Amount, string? StripeInvoiceItemId);

/// <summary>State is <c>notConfigured</c>, <c>pending</c>, <c>synced</c> or <c>failed</c>.</summary>
public sealed record InvoiceStripeResponse(
    string State, string? CustomerId, string? InvoiceId, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset? SyncedAt);

/// <summary>The day aggregates behind an invoice's lines, and per line their sum (equal to the line's quantity).</summary>
public sealed record InvoiceDrillDownResponse(Guid? InvoiceId, string Period, IReadOnlyList<InvoiceDrillDownLine> Lines, IReadOnlyList<InvoiceAggregateRow> Aggregates);

public sealed record InvoiceDrillDownLine(string Kind, long LineQuantity, long AggregatesSum);

/// <summary>One credential and model on one UTC day; requests are the billed ones (2xx and 3xx).</summary>
public sealed record InvoiceAggregateRow(
    DateTimeOffset Day, string Model, string CredentialKind, string CredentialId, long Requests, long InputTokens, long OutputTokens);
