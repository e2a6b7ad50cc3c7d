using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>
/// Invoices for finance: finalized months and the live draft of an open one, as JSON, CSV (<c>Accept: text/csv</c>)
/// or PDF (<c>Accept: application/pdf</c>), and the usage aggregates behind every line.
/// </summary>
internal static class InvoicesApi
{
    private static readonly string[] Readers = [Roles.TenantAdmin, Roles.Finance];

    public static RouteGroupBuilder MapInvoicesApi(this RouteGroupBuilder tenant)
    {
        var invoices = tenant.MapGroup("/invoices").WithTags("Invoices").AllowTenantRoles(Readers);
        invoices.MapGet("/", ListAsync).WithName("ListInvoices")
            .WithSummary("The tenant's finalized invoices, newest first (JSON; Accept: text/csv or application/pdf for a statement).");
        invoices.MapGet("/draft", DraftAsync).WithName("GetDraftInvoice")
            .WithSummary("The live draft of a month not closed yet (?period=yyyy-MM, default the current month), priced with the tenant's current plan.");
        invoices.MapGet("/draft/usage", DraftUsageAsync).WithName("GetDraftInvoiceUsage")
            .WithSummary("The day aggregates behind the draft's lines, with their sums per line.");
        invoices.MapGet("/{invoiceId:guid}", GetAsync).WithName("GetTenantInvoice")
            .WithSummary("One finalized invoice of the tenant (JSON; Accept: text/csv or application/pdf).");
        invoices.MapGet("/{invoiceId:guid}/usage", UsageAsync).WithName("GetInvoiceUsage")
            .WithSummary("The day aggregates behind a finalized invoice's lines, as they were at finalization, with their sums per line.");
        return tenant;
    }

    /// <summary>Maps <c>/invoices/{id}</c> outside the tenant group: the handler checks the caller's membership of the invoice's tenant.</summary>
    public static RouteGroupBuilder MapInvoiceByIdApi(this RouteGroupBuilder api)
    {
        api.MapGet("/invoices/{invoiceId:guid}", GetByIdAsync).WithTags("Invoices").WithName("GetInvoice")
            .WithSummary("One finalized invoice by id, for members of its tenant with the tenant-admin or finance role (JSON; Accept: text/csv or application/pdf).");
        return api;
    }

    private static async Task<Results<Ok<PagedList<InvoiceResponse>>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid tenantId, HttpRequest http, ControlPlaneDbContext db, int? page, int? pageSize, CancellationToken ct)
    {
        if (await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var customer = await CustomerIdAsync(db, tenantId, ct);
        var list = await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.TenantId == tenantId)
            .OrderByDescending(i => i.PeriodStart)
            .ToPageAsync(page, pageSize, i => InvoiceResponse.From(i, tenant.Slug, customer), ct);
        return Negotiate(http) switch
        {
            InvoiceDocuments.CsvType => Document(InvoiceDocuments.Csv(list.Items), InvoiceDocuments.CsvType, $"invoices-{tenant.Slug}.csv"),
            InvoiceDocuments.PdfType => Document(InvoiceDocuments.Pdf(list.Items, tenant.DisplayName, tenant.Slug), InvoiceDocuments.PdfType, $"invoices-{tenant.Slug}.pdf"),
            _ => TypedResults.Ok(list),
        };
    }

    private static async Task<Results<Ok<InvoiceResponse>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> DraftAsync(
        Guid tenantId, string? period, HttpRequest http, ControlPlaneDbContext db, BillingLedger ledger, TimeProvider time, CancellationToken ct)
    {
        var (month, invalid, closed) = await OpenPeriodAsync(tenantId, period, db, time, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        if (closed is not null)
        {
            return closed;
        }

        if (await ledger.DraftAsync(tenantId, month, ct) is not { } draft)
        {
            return Problems.NotFound("tenant");
        }

        var response = InvoiceResponse.From(draft);
        return Render(http, response, draft.Tenant.DisplayName);
    }

    private static async Task<Results<Ok<InvoiceUsageResponse>, ValidationProblem, ProblemHttpResult>> DraftUsageAsync(
        Guid tenantId, string? period, ControlPlaneDbContext db, BillingLedger ledger, TimeProvider time, CancellationToken ct)
    {
        var (month, invalid, closed) = await OpenPeriodAsync(tenantId, period, db, time, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        if (closed is not null)
        {
            return closed;
        }

        if (await ledger.DraftAsync(tenantId, month, ct) is not { } draft)
        {
            return Problems.NotFound("tenant");
        }

        return TypedResults.Ok(Usage(null, month, draft.Invoice.Lines.Select(l => (l.Kind, l.Quantity)), draft.Rows));
    }

    private static async Task<Results<Ok<InvoiceResponse>, FileContentHttpResult, ProblemHttpResult>> GetAsync(
        Guid tenantId, Guid invoiceId, HttpRequest http, ControlPlaneDbContext db, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == invoiceId && i.TenantId == tenantId, ct);
        return invoice is null ? Problems.NotFound("invoice") : await RenderAsync(http, db, invoice, ct);
    }

    private static async Task<Results<Ok<InvoiceUsageResponse>, ProblemHttpResult>> UsageAsync(Guid tenantId, Guid invoiceId, ControlPlaneDbContext db, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == invoiceId && i.TenantId == tenantId, ct);
        return invoice is null
            ? Problems.NotFound("invoice")
            : TypedResults.Ok(Usage(invoice.Id, BillingPeriod.Containing(invoice.PeriodStart), invoice.Lines.Select(l => (l.Kind, l.Quantity)), BillingLedger.ReadRows(invoice.UsageRows)));
    }

    private static async Task<Results<Ok<InvoiceResponse>, FileContentHttpResult, ProblemHttpResult>> GetByIdAsync(
        Guid invoiceId, HttpRequest http, ControlPlaneDbContext db, AdminCallerAccessor callers, CancellationToken ct)
    {
        var caller = callers.Caller;
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == invoiceId, ct);

        // Another tenant's invoice is indistinguishable from one that does not exist.
        if (invoice is null || (!caller.IsPlatformAdmin && caller.RoleIn(invoice.TenantId) is null))
        {
            return Problems.NotFound("invoice");
        }

        if (!caller.IsPlatformAdmin && caller.RoleIn(invoice.TenantId) is { } role && !Readers.Contains(role, StringComparer.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"The role '{role}' does not allow reading invoices in this tenant.");
        }

        return await RenderAsync(http, db, invoice, ct);
    }

    /// <summary>The month a draft is asked for: invalid (400), already closed (409), or open.</summary>
    private static async Task<(BillingPeriod Month, ValidationProblem? Invalid, ProblemHttpResult? Closed)> OpenPeriodAsync(
        Guid tenantId, string? period, ControlPlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        var month = BillingPeriod.Containing(time.GetUtcNow());
        if (period is not null)
        {
            if (!BillingPeriod.TryParse(period, out var parsed) || parsed.Value.Start > month.Start)
            {
                var errors = new ValidationErrors();
                errors.Add("period", "The period is a month as yyyy-MM, not after the current one.");
                return (month, errors.ToResult(), null);
            }

            month = parsed.Value;
        }

        var start = month.Start;
        if (await db.Invoices.AsNoTracking().Where(i => i.TenantId == tenantId && i.PeriodStart == start).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct) is { } id)
        {
            return (month, null, Problems.Conflict($"The month {month.Label} is closed: read invoice {id}."));
        }

        return (month, null, null);
    }

    private static InvoiceUsageResponse Usage(Guid? invoiceId, BillingPeriod period, IEnumerable<(InvoiceLineKind Kind, long Quantity)> lines, IReadOnlyList<InvoiceUsageRow> rows) =>
        new(invoiceId, period.Label,
            lines.Where(l => l.Kind != InvoiceLineKind.BaseFee)
                .Select(l => new InvoiceUsageTotal(l.Kind, l.Quantity, rows.Sum(r => InvoiceCalculator.QuantityOf(r, l.Kind)))).ToList(),
            rows);

    private static async Task<Results<Ok<InvoiceResponse>, FileContentHttpResult, ProblemHttpResult>> RenderAsync(
        HttpRequest http, ControlPlaneDbContext db, Invoice invoice, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == invoice.TenantId, ct);
        var response = InvoiceResponse.From(invoice, tenant.Slug, await CustomerIdAsync(db, invoice.TenantId, ct));
        return Negotiate(http) switch
        {
            InvoiceDocuments.CsvType => Document(InvoiceDocuments.Csv(response), InvoiceDocuments.CsvType, $"{invoice.Number}.csv"),
            InvoiceDocuments.PdfType => Document(InvoiceDocuments.Pdf(response, tenant.DisplayName), InvoiceDocuments.PdfType, $"{invoice.Number}.pdf"),
            _ => TypedResults.Ok(response),
        };
    }

    private static Results<Ok<InvoiceResponse>, FileContentHttpResult, ValidationProblem, ProblemHttpResult> Render(HttpRequest http, InvoiceResponse response, string tenantName)
    {
        var name = $"draft-{response.TenantSlug}-{response.Period}";
        return Negotiate(http) switch
        {
            InvoiceDocuments.CsvType => Document(InvoiceDocuments.Csv(response), InvoiceDocuments.CsvType, name + ".csv"),
            InvoiceDocuments.PdfType => Document(InvoiceDocuments.Pdf(response, tenantName), InvoiceDocuments.PdfType, name + ".pdf"),
            _ => TypedResults.Ok(response),
        };
    }

    private static FileContentHttpResult Document(byte[] content, string type, string fileName) =>
        TypedResults.File(content, type == InvoiceDocuments.CsvType ? "text/csv; charset=utf-8" : type, fileName);

    /// <summary>The representation the Accept header prefers among JSON, CSV and PDF (JSON when it names none of them).</summary>
    private static string Negotiate(HttpRequest http)
    {
        var accepted = http.GetTypedHeaders().Accept.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1);
        foreach (var media in accepted)
        {
            var type = media.MediaType.Value;
            if (string.Equals(type, InvoiceDocuments.CsvType, StringComparison.OrdinalIgnoreCase))
            {
                return InvoiceDocuments.CsvType;
            }

            if (string.Equals(type, InvoiceDocuments.PdfType, StringComparison.OrdinalIgnoreCase))
            {
                return InvoiceDocuments.PdfType;
            }

            if (string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase) || type == "*/*")
            {
                break;
            }
        }

        return "application/json";
    }

    private static Task<string?> CustomerIdAsync(ControlPlaneDbContext db, Guid tenantId, CancellationToken ct) =>
        db.BillingCustomers.AsNoTracking().Where(c => c.TenantId == tenantId).Select(c => c.StripeCustomerId).FirstOrDefaultAsync(ct);
}
