using System.Globalization;
using System.Net.Http.Headers;
using InferenceGateway.Contracts.Admin;

namespace InferenceGateway.ControlPlane.Client;

/// <summary>Usage, quota and invoices: JSON, and the CSV and PDF documents the API renders.</summary>
public sealed partial class ControlPlaneApi
{
    public const string CsvType = "text/csv";

    public const string PdfType = "application/pdf";

    public Task<UsageReportResponse> GetUsageAsync(
        Guid tenantId, DateTimeOffset? from = null, DateTimeOffset? to = null, string? granularity = null, string? groupBy = null, CancellationToken ct = default) =>
        SendAsync<UsageReportResponse>(HttpMethod.Get, UsageUrl(tenantId, from, to, granularity, groupBy), null, ct);

    public Task<ApiDocument> GetUsageCsvAsync(
        Guid tenantId, DateTimeOffset? from = null, DateTimeOffset? to = null, string? granularity = null, string? groupBy = null, CancellationToken ct = default) =>
        DocumentAsync(UsageUrl(tenantId, from, to, granularity, groupBy), CsvType, $"usage-{tenantId}.csv", ct);

    public Task<QuotaStatusResponse> GetQuotaAsync(Guid tenantId, CancellationToken ct = default) =>
        SendAsync<QuotaStatusResponse>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/quota", null, ct);

    public Task<PagedList<TenantInvoiceResponse>> ListInvoicesAsync(Guid tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        SendAsync<PagedList<TenantInvoiceResponse>>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/invoices" + Query(("page", page), ("pageSize", pageSize)), null, ct);

    public Task<TenantInvoiceResponse> GetDraftInvoiceAsync(Guid tenantId, string? period = null, CancellationToken ct = default) =>
        SendAsync<TenantInvoiceResponse>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/invoices/draft" + Query(("period", period)), null, ct);

    public Task<TenantInvoiceResponse> GetInvoiceAsync(Guid tenantId, Guid invoiceId, CancellationToken ct = default) =>
        SendAsync<TenantInvoiceResponse>(HttpMethod.Get, $"api/v1/tenants/{tenantId}/invoices/{invoiceId}", null, ct);

    public Task<InvoiceDrillDownResponse> GetInvoiceUsageAsync(Guid tenantId, Guid? invoiceId, CancellationToken ct = default) =>
        SendAsync<InvoiceDrillDownResponse>(HttpMethod.Get, $"{InvoiceUrl(tenantId, invoiceId)}/usage", null, ct);

    public Task<ApiDocument> GetInvoiceDocumentAsync(Guid tenantId, Guid? invoiceId, string mediaType, CancellationToken ct = default)
    {
        if (mediaType is not (CsvType or PdfType))
        {
            throw new ArgumentException("An invoice document is text/csv or application/pdf.", nameof(mediaType));
        }

        var name = $"{invoiceId?.ToString() ?? "draft"}.{(mediaType == CsvType ? "csv" : "pdf")}";
        return DocumentAsync(InvoiceUrl(tenantId, invoiceId), mediaType, name, ct);
    }

    private static string InvoiceUrl(Guid tenantId, Guid? invoiceId) =>
        $"api/v1/tenants/{tenantId}/invoices/{(invoiceId is { } id ? id.ToString() : "draft")}";

    private static string UsageUrl(Guid tenantId, DateTimeOffset? from, DateTimeOffset? to, string? granularity, string? groupBy) =>
        $"api/v1/tenants/{tenantId}/usage" + Query(
            ("from", from?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)), ("to", to?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            ("granularity", granularity), ("groupBy", groupBy));

    /// <summary>Asks for <paramref name="mediaType"/> only, and refuses an answer of any other type rather than save it under a wrong name.</summary>
    private async Task<ApiDocument> DocumentAsync(string url, string mediaType, string fallbackName, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        using var response = await SendRawAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, ct);
        }

        var type = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(type, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ControlPlaneApiException((int)response.StatusCode, "The control plane did not answer with the document asked for", $"It answered {type ?? "no content type"}.");
        }

        var disposition = response.Content.Headers.ContentDisposition;
        var name = Path.GetFileName(disposition?.FileNameStar ?? disposition?.FileName?.Trim('"') ?? string.Empty);
        return new ApiDocument(name is { Length: > 0 } ? name : fallbackName, mediaType, await response.Content.ReadAsByteArrayAsync(ct));
    }
}
