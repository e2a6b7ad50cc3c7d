using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

public sealed class InvoicesApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await client.SendAsync(request);
    }

    private async Task<(string TenantId, string Slug, JsonArray Invoices)> ClosedTenantAsync()
    {
        var admin = app.Admin();
        var (tenant, slug) = await admin.PricedTenantAsync();
        var older = app.Month(3);
        var newer = app.Month(2);
        await app.BackdateTenantAsync(tenant, older.Start.AddDays(3));

        // The last minute of one month and the first of the next: two invoices, one request in each.
        await app.AddUsageAsync(tenant, newer.Start.AddMinutes(-1), requests2xx: 3500, input: 1_100_000, output: 350_000, requests4xx: 7, requests5xx: 2);
        await app.AddUsageAsync(tenant, newer.Start, requests2xx: 1, input: 10, output: 20);
        await app.AddUsageAsync(tenant, newer.Start.AddDays(5), requests2xx: 4, input: 30, output: 40, model: "vision", credential: "key-2");
        await app.CloseAsync();
        var list = await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices");
        return (tenant, slug, list["items"]!.AsArray());
    }

    [Fact]
    public async Task Close_SplitsUsageAtTheUtcMonthBoundary_AndPricesEachMonth()
    {
        var (tenant, slug, invoices) = await ClosedTenantAsync();
        var older = app.Month(3);
        var newer = app.Month(2);

        // Every month from the tenant's creation to the last closed one, newest first.
        Assert.Equal([app.Month(1).Label, newer.Label, older.Label], invoices.Select(i => (string)i!["period"]!));
        var first = invoices.Single(i => (string)i!["period"]! == older.Label)!;
        Assert.Equal($"{slug}-{older.Start:yyyyMM}", (string)first["number"]!);
        Assert.Equal("finalized", (string)first["status"]!);
        Assert.Equal("USD", (string)first["currency"]!);

        // 3,500 served requests (the 4xx and 5xx ones are not billed): 2,500 beyond 1,000 at 0.50 per 1K.
        var lines = first["lines"]!.AsArray();
        Assert.Equal(["baseFee", "requests", "inputTokens", "outputTokens"], lines.Select(l => (string)l!["kind"]!));
        Assert.Equal([1L, 3500L, 1_100_000L, 350_000L], lines.Select(l => (long)l!["quantity"]!));
        Assert.Equal([10.00m, 1.25m, 2.00m, 1.50m], lines.Select(l => (decimal)l!["amount"]!));
        Assert.Equal(14.75m, (decimal)first["total"]!);
        Assert.Equal("notConfigured", (string)first["stripe"]!["state"]!);

        var second = invoices.Single(i => (string)i!["period"]! == newer.Label)!;
        Assert.Equal([1L, 5L, 40L, 60L], second["lines"]!.AsArray().Select(l => (long)l!["quantity"]!));
        Assert.Equal(10.00m, (decimal)second["total"]!);
    }

    [Fact]
    public async Task Usage_DrillsDownToTheAggregatesBehindEachLine()
    {
        var (tenant, _, invoices) = await ClosedTenantAsync();
        var newer = invoices.Single(i => (string)i!["period"]! == app.Month(2).Label)!;
        var usage = await app.Admin().GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/{newer.AsObject().Id()}/usage");

        var aggregates = usage["aggregates"]!.AsArray();
        Assert.Equal(2, aggregates.Count);
        Assert.Equal(["sample", "vision"], aggregates.Select(a => (string)a!["model"]!).Order());
        Assert.All(aggregates, a => Assert.True(DateTimeOffset.Parse((string)a!["day"]!) >= app.Month(2).Start));
        foreach (var line in usage["lines"]!.AsArray())
        {
            Assert.Equal((long)line!["lineQuantity"]!, (long)line["aggregatesSum"]!);
        }

        Assert.Equal([5L, 40L, 60L], usage["lines"]!.AsArray().Select(l => (long)l!["aggregatesSum"]!));

        // The finalized invoice keeps its drill-down when the ledger changes later (late batches, retention).
        await app.AddUsageAsync(tenant, app.Month(2).Start.AddDays(6), requests2xx: 100, input: 0, output: 0);
        var again = await app.Admin().GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/{newer.AsObject().Id()}/usage");
        Assert.Equal(5L, (long)again["lines"]![0]!["aggregatesSum"]!);
    }

    [Fact]
    public async Task Csv_ListsEveryLineAndTheTotal_WithTheCurrencyDigits()
    {
        var (tenant, slug, invoices) = await ClosedTenantAsync();
        var older = invoices.Single(i => (string)i!["period"]! == app.Month(3).Label)!;

        var response = await GetAsync(app.Admin(), $"/api/v1/invoices/{older.AsObject().Id()}", "text/csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var number = $"{slug}-{app.Month(3).Start:yyyyMM}";
        var period = app.Month(3).Label;
        Assert.Equal(
        [
            "invoice,period,status,currency,line,description,quantity,included,billable,unit_price,unit_size,amount",
            $"{number},{period},finalized,USD,baseFee,Monthly base fee,1,0,1,10,1,10.00",
            $"{number},{period},finalized,USD,requests,Requests,3500,1000,2500,0.5,1000,1.25",
            $"{number},{period},finalized,USD,inputTokens,Input tokens,1100000,100000,1000000,2,1000000,2.00",
            $"{number},{period},finalized,USD,outputTokens,Output tokens,350000,100000,250000,6,1000000,1.50",
            $"{number},{period},finalized,USD,total,Total,,,,,,14.75",
        ], rows);

        var list = await GetAsync(app.Admin(), $"/api/v1/tenants/{tenant}/invoices", "text/csv");
        var listRows = (await list.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, listRows.Length);
        Assert.StartsWith($"{number},{older.AsObject().Id()},{period},finalized,USD,14.75,", listRows[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_HoldsTheNumberLinesAndTotal()
    {
        var (tenant, slug, invoices) = await ClosedTenantAsync();
        var older = invoices.Single(i => (string)i!["period"]! == app.Month(3).Label)!;

        var response = await GetAsync(app.Admin(), $"/api/v1/tenants/{tenant}/invoices/{older.AsObject().Id()}", "application/pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var words = pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
        var text = string.Join(" ", words);
        Assert.Contains($"{slug}-{app.Month(3).Start:yyyyMM}", words);
        Assert.Contains("Requests", words);
        Assert.Contains("3500", words);
        Assert.Contains("1.25", words);
        Assert.Contains("14.75", words);
        Assert.Contains("Total", text, StringComparison.Ordinal);

        var statement = await GetAsync(app.Admin(), $"/api/v1/tenants/{tenant}/invoices", "application/pdf");
        using var statementPdf = PdfDocument.Open(await statement.Content.ReadAsByteArrayAsync());
        var statementWords = statementPdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
        Assert.Contains($"{slug}-{app.Month(2).Start:yyyyMM}", statementWords);
    }

    [Fact]
    public async Task Close_TwoConcurrentClosers_WriteEachInvoiceOnce()
    {
        var admin = app.Admin();
        var (tenant, _) = await admin.PricedTenantAsync();
        await app.BackdateTenantAsync(tenant, app.Month(4).Start.AddDays(10));
        await app.AddUsageAsync(tenant, app.Month(3).Start.AddDays(1), requests2xx: 2000, input: 0, output: 0);

        var results = await Task.WhenAll(app.CloseAsync(), app.CloseAsync(), app.CloseAsync());

        var periods = await app.WithDbAsync(db => db.Invoices.Where(i => i.TenantId == Guid.Parse(tenant)).Select(i => i.PeriodStart).ToListAsync());
        Assert.Equal(4, periods.Count);
        Assert.Equal(4, periods.Distinct().Count());
        Assert.True(results.Sum() >= 4, $"the closers wrote {string.Join("+", results)}");
        Assert.Equal(0, await app.CloseAsync());
        var audit = await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.TenantId == Guid.Parse(tenant) && e.Action == "invoice.finalized"));
        Assert.Equal(4, audit);
    }

    [Fact]
    public async Task Draft_IsLiveForTheOpenMonth_AndRefusedForClosedOrInvalidMonths()
    {
        var (tenant, _, invoices) = await ClosedTenantAsync();
        var admin = app.Admin();
        await app.AddUsageAsync(tenant, app.Time.GetUtcNow(), requests2xx: 1500, input: 0, output: 0);

        var draft = await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/draft");
        Assert.Equal("draft", (string)draft["status"]!);
        Assert.Null(draft["id"]);
        Assert.Equal(1500L, (long)draft["lines"]![1]!["quantity"]!);
        Assert.Equal(10.25m, (decimal)draft["total"]!);
        var usage = await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/draft/usage");
        Assert.Equal(1500L, (long)usage["lines"]![0]!["aggregatesSum"]!);

        var closed = await admin.GetAsync($"/api/v1/tenants/{tenant}/invoices/draft?period={app.Month(2).Label}");
        Assert.Contains(invoices.Single(i => (string)i!["period"]! == app.Month(2).Label)!.AsObject().Id(), (string)(await closed.ProblemAsync(HttpStatusCode.Conflict))["detail"]!);
        foreach (var bad in new[] { "2026-13", "next", app.Month(-1).Label })
        {
            var problem = await (await admin.GetAsync($"/api/v1/tenants/{tenant}/invoices/draft?period={bad}")).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.NotEmpty(problem.Errors("period"));
        }
    }

    [Fact]
    public async Task InvoiceById_IsReadByFinanceOfItsTenant_AndHiddenFromOtherTenants()
    {
        var (tenant, _, invoices) = await ClosedTenantAsync();
        var (other, _) = await app.Admin().CreateTenantAsync();
        var id = invoices[0]!.AsObject().Id();
        var (_, _, finance) = await app.MemberAsync(tenant, "finance");
        var (_, _, developer) = await app.MemberAsync(tenant, "developer");
        var (_, _, outsider) = await app.MemberAsync(other, "tenant-admin");

        Assert.Equal(id, (await finance.GetJsonAsync($"/api/v1/invoices/{id}")).AsObject().Id());
        Assert.Equal(id, (await finance.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/{id}")).AsObject().Id());
        await (await developer.GetAsync($"/api/v1/invoices/{id}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await developer.GetAsync($"/api/v1/tenants/{tenant}/invoices")).ProblemAsync(HttpStatusCode.Forbidden);

        // Another tenant's invoice is a 404, by id and through the other tenant's path alike.
        await (await outsider.GetAsync($"/api/v1/invoices/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await outsider.GetAsync($"/api/v1/tenants/{other}/invoices/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.CreateClient().GetAsync($"/api/v1/invoices/{id}")).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
