using System.Text;
using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;

namespace InferenceGateway.Portal.Tests.Components;

/// <summary>Usage, quota and invoices in memory: usage rows are grouped as the API groups them, documents are what <see cref="Documents"/> holds.</summary>
internal sealed partial class FakeControlPlaneApi
{
    /// <summary>Ungrouped usage rows (model and credential both set); a grouped read sums them per bucket and group.</summary>
    public List<UsageRowResponse> UsageRows { get; } = [];

    public QuotaStatusResponse? Quota { get; set; }

    public List<TenantInvoiceResponse> Invoices { get; } = [];

    public TenantInvoiceResponse? Draft { get; set; }

    public InvoiceDrillDownResponse? DrillDown { get; set; }

    /// <summary>What a document request answers, by "invoice id or draft" and media type, or "usage:{groupBy}".</summary>
    public Dictionary<string, ApiDocument> Documents { get; } = [];

    /// <summary>Downloads the page asked for, in order.</summary>
    public List<string> DocumentCalls { get; } = [];

    public static UsageRowResponse UsageRow(DateTimeOffset bucket, string model, string credential, long requests, long input, long output) => new(
        bucket, model, credential, "api-key", requests, requests, 0, 0, 0, 10 * requests, 20 * requests, 1000 * requests, new long[12], input, output, 0, 0, 0);

    public Task<UsageReportResponse> GetUsageAsync(
        Guid tenantId, DateTimeOffset? from = null, DateTimeOffset? to = null, string? granularity = null, string? groupBy = null, CancellationToken ct = default) =>
        Record($"{nameof(GetUsageAsync)}:{from:O}:{to:O}:{granularity}:{groupBy}", () =>
        {
            var rows = UsageRows
                .GroupBy(r => (r.BucketStart, Model: groupBy == "model" ? r.Model : null, Credential: groupBy == "credential" ? r.CredentialId : null))
                .Select(g => g.First() with
                {
                    Model = g.Key.Model, CredentialId = g.Key.Credential, CredentialKind = g.Key.Credential is null ? null : "api-key",
                    Requests = g.Sum(r => r.Requests), Requests2xx = g.Sum(r => r.Requests2xx), InputTokens = g.Sum(r => r.InputTokens), OutputTokens = g.Sum(r => r.OutputTokens),
                    WouldHaveBeenLimited = g.Sum(r => r.WouldHaveBeenLimited), BudgetWouldLimit = g.Sum(r => r.BudgetWouldLimit),
                })
                .ToList();
            var end = to ?? DateTimeOffset.UnixEpoch.AddDays(30);
            return new UsageReportResponse(
                tenantId, from ?? end.AddDays(-30), end, granularity ?? "day", groupBy, [25, 50], rows,
                new UsageTotalsResponse(rows.Sum(r => r.Requests), rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens), 0, 0, 0, 0,
                    rows.Sum(r => r.WouldHaveBeenLimited), rows.Sum(r => r.BudgetWouldLimit)));
        });

    public Task<ApiDocument> GetUsageCsvAsync(
        Guid tenantId, DateTimeOffset? from = null, DateTimeOffset? to = null, string? granularity = null, string? groupBy = null, CancellationToken ct = default) =>
        Record(nameof(GetUsageCsvAsync), () =>
        {
            DocumentCalls.Add($"usage:{groupBy}:{from:O}:{to:O}:{granularity}");
            return Documents.TryGetValue($"usage:{groupBy}", out var document)
                ? document
                : new ApiDocument($"usage-{groupBy}.csv", ControlPlaneApi.CsvType, Encoding.UTF8.GetBytes("bucket_start\n"));
        });

    public Task<QuotaStatusResponse> GetQuotaAsync(Guid tenantId, CancellationToken ct = default) =>
        Record(nameof(GetQuotaAsync), () => Quota ?? throw new ControlPlaneApiException(404, "Not found", null));

    public Task<PagedList<TenantInvoiceResponse>> ListInvoicesAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Record($"{nameof(ListInvoicesAsync)}:{page}", () => Page(Invoices, page, pageSize));

    public Task<TenantInvoiceResponse> GetDraftInvoiceAsync(Guid tenantId, string? period = null, CancellationToken ct = default) =>
        Record(nameof(GetDraftInvoiceAsync), () => Draft ?? throw new ControlPlaneApiException(404, "Not found", null));

    public Task<TenantInvoiceResponse> GetInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken ct = default) =>
        Record($"{nameof(GetInvoiceAsync)}:{invoiceId}", () => Invoices.FirstOrDefault(i => i.Id == invoiceId) ?? throw new ControlPlaneApiException(404, "Not found", "No invoice with that id exists."));

    public Task<InvoiceDrillDownResponse> GetInvoiceUsageAsync(Guid tenantId, Guid? invoiceId, CancellationToken ct = default) =>
        Record($"{nameof(GetInvoiceUsageAsync)}:{invoiceId}", () => DrillDown ?? new InvoiceDrillDownResponse(invoiceId, "1970-01", [], []));

    public Task<ApiDocument> GetInvoiceDocumentAsync(Guid tenantId, Guid? invoiceId, string mediaType, CancellationToken ct = default) =>
        Record(nameof(GetInvoiceDocumentAsync), () =>
        {
            var key = $"{invoiceId?.ToString() ?? "draft"}:{mediaType}";
            DocumentCalls.Add(key);
            return Documents.TryGetValue(key, out var document) ? document : throw new ControlPlaneApiException(406, "Not acceptable", null);
        });
}
