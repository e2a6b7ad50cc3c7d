using System.Text.Json;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Data.Usage;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>A computed invoice that is not stored: the live draft of an open month, or the content of one being finalized.</summary>
internal sealed record DraftInvoice(Tenant Tenant, Plan Plan, BillingPeriod Period, CalculatedInvoice Invoice, IReadOnlyList<InvoiceUsageRow> Rows);

/// <summary>Reads the usage ledger for billing: the day aggregates of one tenant in one month.</summary>
internal sealed class BillingLedger(ControlPlaneDbContext db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Day buckets start at 00:00 UTC, so a month is exactly its days: usage at 23:59 on the last day and at 00:00 on
    /// the first day of the next month fall in different months. Ingestion writes the minute, hour and day rows of a
    /// batch together, so the day rows alone hold every counted request.
    /// </summary>
    public async Task<List<InvoiceUsageRow>> RowsAsync(Guid tenantId, BillingPeriod period, CancellationToken ct)
    {
        var start = period.Start;
        var end = period.End;
        var rows = await db.UsageAggregates.AsNoTracking()
            .Where(a => a.TenantId == tenantId && a.Granularity == UsageGranularity.Day && a.BucketStart >= start && a.BucketStart < end)
            .OrderBy(a => a.BucketStart).ThenBy(a => a.Model).ThenBy(a => a.CredentialKind).ThenBy(a => a.CredentialId)
            .Select(a => new { a.BucketStart, a.Model, a.CredentialKind, a.CredentialId, Requests = a.Requests2xx + a.Requests3xx, a.InputTokens, a.OutputTokens })
            .ToListAsync(ct);
        return rows.Select(a => new InvoiceUsageRow(a.BucketStart, a.Model, KindName(a.CredentialKind), a.CredentialId, a.Requests, a.InputTokens, a.OutputTokens)).ToList();
    }

    /// <summary>The invoice the month would get with the tenant's current plan; null when the tenant does not exist.</summary>
    public async Task<DraftInvoice?> DraftAsync(Guid tenantId, BillingPeriod period, CancellationToken ct)
    {
        if (await db.Tenants.AsNoTracking().Include(t => t.Plan).FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { Plan: { } plan } tenant)
        {
            return null;
        }

        var rows = await RowsAsync(tenantId, period, ct);
        return new DraftInvoice(tenant, plan, period, InvoiceCalculator.Calculate(BillingPrices.From(plan), rows), rows);
    }

    public static string WriteRows(IReadOnlyList<InvoiceUsageRow> rows) => JsonSerializer.Serialize(rows, Json);

    public static IReadOnlyList<InvoiceUsageRow> ReadRows(string json) => JsonSerializer.Deserialize<List<InvoiceUsageRow>>(json, Json) ?? [];

    private static string KindName(UsageCredentialKind kind) => kind switch
    {
        UsageCredentialKind.ApiKey => "api-key",
        UsageCredentialKind.OAuthClient => "oauth-client",
        _ => "external-jwt",
    };
}
