using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Billing;

/// <summary>Where an invoice stands with the tenant.</summary>
internal enum InvoiceStatus
{
    /// <summary>The live draft of a month not closed yet: computed on each read, never stored.</summary>
    Draft,
    Finalized,
    Paid,
    PaymentFailed,
}

/// <summary>Where a finalized invoice stands with Stripe.</summary>
internal enum StripeSyncState
{
    /// <summary>No Stripe key was configured when the invoice was finalized.</summary>
    NotConfigured,
    Pending,
    Synced,

    /// <summary>Gave up after the configured number of attempts; the last error says why.</summary>
    Failed,
}

internal enum InvoiceLineKind
{
    BaseFee,
    Requests,
    InputTokens,
    OutputTokens,
}

/// <summary>
/// A finalized invoice: one per tenant and calendar month (UTC), written once by the scheduled close with the
/// plan's prices of that moment and the usage rows behind each line, so it never changes when plans or the ledger do.
/// </summary>
internal sealed class Invoice
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>Human-facing number, unique: <c>{tenant slug}-{yyyyMM}</c>.</summary>
    public required string Number { get; set; }

    /// <summary>The first instant of the month, UTC.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>The first instant of the next month, UTC (exclusive).</summary>
    public DateTimeOffset PeriodEnd { get; set; }

    public Guid PlanId { get; set; }

    public required string PlanName { get; set; }

    public required string Currency { get; set; }

    /// <summary>The sum of the rounded line amounts.</summary>
    public decimal Total { get; set; }

    public InvoiceStatus Status { get; set; }

    public DateTimeOffset FinalizedAt { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public List<InvoiceLine> Lines { get; set; } = [];

    /// <summary>The day aggregates behind the lines at finalization (JSON of <c>InvoiceUsageRow</c>), for the drill-down.</summary>
    public required string UsageRows { get; set; }

    public StripeSyncState StripeState { get; set; }

    public string? StripeInvoiceId { get; set; }

    public int StripeAttempts { get; set; }

    /// <summary>When the sync worker may next try (also its lease: a replica that claims the row moves it forward).</summary>
    public DateTimeOffset? StripeNextAttemptAt { get; set; }

    public string? StripeLastError { get; set; }

    public DateTimeOffset? StripeSyncedAt { get; set; }
}

internal sealed class InvoiceLine
{
    public Guid Id { get; set; }

    public Guid InvoiceId { get; set; }

    public int Position { get; set; }

    public InvoiceLineKind Kind { get; set; }

    public required string Description { get; set; }

    /// <summary>Units used in the period (1 for the base fee).</summary>
    public long Quantity { get; set; }

    public long Included { get; set; }

    /// <summary>Units beyond the included ones: what the price applies to.</summary>
    public long Billable { get; set; }

    /// <summary>The price of <see cref="UnitSize"/> units.</summary>
    public decimal UnitPrice { get; set; }

    public long UnitSize { get; set; }

    /// <summary>Rounded half away from zero to the currency's minor unit.</summary>
    public decimal Amount { get; set; }

    public string? StripeInvoiceItemId { get; set; }
}

/// <summary>A tenant's customer at Stripe, created once and reused by every invoice.</summary>
internal sealed class BillingCustomer
{
    public Guid TenantId { get; set; }

    public required string StripeCustomerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> e)
    {
        // The close is idempotent across replicas: a second insert of the same tenant and month fails here.
        e.HasIndex(i => new { i.TenantId, i.PeriodStart }).IsUnique();
        e.HasIndex(i => i.Number).IsUnique();
        e.HasIndex(i => i.StripeInvoiceId);
        e.HasIndex(i => new { i.StripeState, i.StripeNextAttemptAt });
        e.Property(i => i.Number).HasMaxLength(60);
        e.Property(i => i.PlanName).HasMaxLength(100);
        e.Property(i => i.Currency).HasMaxLength(3);
        e.Property(i => i.Total).HasPrecision(18, 6);
        e.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(i => i.StripeState).HasConversion<string>().HasMaxLength(20);
        e.Property(i => i.StripeInvoiceId).HasMaxLength(100);
        e.Property(i => i.StripeLastError).HasMaxLength(500);
        e.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> e)
    {
        e.HasIndex(l => new { l.InvoiceId, l.Position }).IsUnique();
        e.Property(l => l.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(l => l.Description).HasMaxLength(200);
        e.Property(l => l.UnitPrice).HasPrecision(18, 6);
        e.Property(l => l.Amount).HasPrecision(18, 6);
        e.Property(l => l.StripeInvoiceItemId).HasMaxLength(100);
    }
}

internal sealed class BillingCustomerConfiguration : IEntityTypeConfiguration<BillingCustomer>
{
    public void Configure(EntityTypeBuilder<BillingCustomer> e)
    {
        e.HasKey(c => c.TenantId);
        e.Property(c => c.StripeCustomerId).HasMaxLength(100);
        e.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
