using System.Text;
using Bunit;
using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;
using InferenceGateway.Portal.Components.Pages.Billing;

namespace InferenceGateway.Portal.Tests.Components;

public sealed class BillingPagesTests : PortalTestContext
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid InvoiceId = Guid.Parse("0190bbbb-0000-7000-8000-000000000001");

    [Fact]
    public void Usage_ShowsSumsByModelAndByCredential_AsTheApiGroupedThem()
    {
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1, "chat", "key-a", 3, 30, 60));
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1.AddDays(1), "chat", "key-b", 2, 20, 40));
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1.AddDays(1), "embed", "key-a", 6, 50, 0));
        var page = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=usage-by-model] tbody tr").Count));
        var byModel = page.FindAll("[data-testid=usage-by-model] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("embed", byModel[0]);
        Assert.Contains("chat", byModel[1]);
        Assert.Contains("50", byModel[1]);
        var byCredential = page.FindAll("[data-testid=usage-by-credential] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, byCredential.Count);
        Assert.Contains("key-a", byCredential[0]);
        Assert.Contains("9", byCredential[0]);
        Assert.Contains("api-key", byCredential[0]);
        Assert.Contains("11", page.Find("[data-testid=usage-totals]").TextContent);
        Assert.Contains(Api.Calls, c => c.StartsWith("GetUsageAsync:", StringComparison.Ordinal) && c.EndsWith(":day:model", StringComparison.Ordinal));
        Assert.Contains(Api.Calls, c => c.StartsWith("GetUsageAsync:", StringComparison.Ordinal) && c.EndsWith(":day:credential", StringComparison.Ordinal));
    }

    [Fact]
    public void Usage_ShadowCounts_AreShownPerRowAndInTheTotals_AsWouldHaveBeenLimited()
    {
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1, "chat", "key-a", 30, 300, 600) with { WouldHaveBeenLimited = 7, BudgetWouldLimit = 4 });
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1, "embed", "key-b", 20, 50, 0) with { WouldHaveBeenLimited = 2 });
        var page = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=usage-by-model] tbody tr").Count));
        Assert.Contains("Would have been limited (shadow)", page.Find("[data-testid=usage-by-model] thead").TextContent);
        var chat = page.FindAll("[data-testid=usage-by-model] tbody tr").Single(r => r.TextContent.Contains("chat", StringComparison.Ordinal));
        Assert.Equal("11", chat.Children.Last().TextContent.Trim());
        var keyB = page.FindAll("[data-testid=usage-by-credential] tbody tr").Single(r => r.TextContent.Contains("key-b", StringComparison.Ordinal));
        Assert.Equal("2", keyB.Children.Last().TextContent.Trim());
        var shadow = page.Find("[data-testid=usage-shadow]");
        Assert.Contains("Would have been limited (shadow)", shadow.TextContent);
        Assert.Equal("13", page.Find("[data-testid=usage-shadow] dd").TextContent.Trim());
        var detail = page.Find("[data-testid=usage-shadow-detail]").TextContent;
        Assert.Contains("9 of these requests a rate limit", detail);
        Assert.Contains("4 a spend budget", detail);
    }

    [Fact]
    public void Usage_WithoutShadowRefusals_ShowsZeroAndNoDetail()
    {
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1, "chat", "key-a", 3, 30, 60));
        var page = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));

        page.WaitForAssertion(() => Assert.Equal("0", page.Find("[data-testid=usage-shadow] dd").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=usage-shadow-detail]"));
    }

    [Fact]
    public void Usage_RangeAndGranularity_AreSentToTheApi_TheToDayIncluded()
    {
        var page = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=usage-empty]")));
        page.Find("#usageFrom").Change("2026-11-01");
        page.Find("#usageTo").Change("2026-11-02");
        page.Find("#usageGranularity").Change("hour");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains(
            "GetUsageAsync:2026-11-01T00:00:00.0000000+00:00:2026-11-03T00:00:00.0000000+00:00:hour:model", Api.Calls));
        Assert.Contains("GetUsageAsync:2026-11-01T00:00:00.0000000+00:00:2026-11-03T00:00:00.0000000+00:00:hour:credential", Api.Calls);
        Assert.Contains("by hour", page.Find("[data-testid=usage-range]").TextContent);
    }

    [Fact]
    public void Usage_TheApisRefusal_IsShownNextToTheField()
    {
        Api.Failure = Validation("from", "At hour granularity one request covers at most 93 days.");
        var page = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Equal("At hour granularity one request covers at most 93 days.", page.Find("#from-error").TextContent));
        Assert.Empty(page.FindAll("[data-testid=usage-by-model]"));
    }

    [Fact]
    public void Usage_DownloadCsv_HandsTheBrowserTheApisCsvUnchanged()
    {
        Api.UsageRows.Add(FakeControlPlaneApi.UsageRow(Day1, "chat", "key-a", 3, 30, 60));
        var csv = "bucket_start,model\n2026-11-01T00:00:00Z,chat\n"u8.ToArray();
        Api.Documents["usage:credential"] = new ApiDocument("usage-acme-day.csv", ControlPlaneApi.CsvType, csv);
        var download = JSInterop.SetupVoid("igwPortal.downloadStream", _ => true);
        var page = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=usage-by-credential]")));

        page.FindAll("button").Single(b => b.TextContent.Contains("Download CSV by credential", StringComparison.Ordinal)).Click();

        var call = Assert.Single(download.Invocations);
        Assert.Equal("usage-acme-day.csv", call.Arguments[0]);
        Assert.Equal("text/csv", call.Arguments[1]);
        Assert.Equal(csv, ((Microsoft.JSInterop.DotNetStreamReference)call.Arguments[2]!).Stream is MemoryStream m ? m.ToArray() : null);
        Assert.StartsWith("usage:credential:", Api.DocumentCalls.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_ForADeveloper_IsShown_ButQuotaAndInvoicesAreNotFound()
    {
        Api.Me = FakeControlPlaneApi.As("developer");
        var usage = Render<Usage>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        usage.WaitForAssertion(() => Assert.Contains("Usage of Acme", usage.Find("h1").TextContent));

        var quota = Render<Quota>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        quota.WaitForAssertion(() => Assert.Contains("Not found", quota.Find("h1").TextContent));
        var invoices = Render<Invoices>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        invoices.WaitForAssertion(() => Assert.Contains("Not found", invoices.Find("h1").TextContent));
        Assert.DoesNotContain(Api.Calls, c => c.StartsWith("GetQuotaAsync", StringComparison.Ordinal) || c.StartsWith("ListInvoicesAsync", StringComparison.Ordinal));
    }

    [Fact]
    public void Quota_ShowsConsumedLimitRemainingEnforcementAndExceeded()
    {
        Api.Me = FakeControlPlaneApi.As("finance");
        Api.Quota = new QuotaStatusResponse(
            FakeControlPlaneApi.TenantId, Day1, Day1.AddMonths(1), "soft",
            new QuotaLineResponse(120, 100, 0, true), new QuotaLineResponse(500, 1000, 500, false), new QuotaLineResponse(7, null, null, false));
        var page = Render<Quota>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));

        page.WaitForAssertion(() => Assert.Equal("soft", page.Find("[data-testid=quota-enforcement]").TextContent));
        var rows = page.FindAll("[data-testid=quota-lines] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("120", rows[0]);
        Assert.Contains("exceeded", rows[0]);
        Assert.Contains("500", rows[1]);
        Assert.Contains("within quota", rows[1]);
        Assert.Contains("no quota", rows[2]);
        Assert.Contains("unlimited", rows[2]);
    }

    [Fact]
    public void Invoices_ListsTheDraftAndTheFinalizedOnes_WithTheirStripeState()
    {
        Api.Me = FakeControlPlaneApi.As("finance");
        Api.Draft = Invoice(null, "2026-12", "draft", 12.50m, null);
        Api.Invoices.Add(Invoice(InvoiceId, "2026-11", "finalized", 99.00m, new InvoiceStripeResponse("synced", "cus_1", "in_1", 1, null, null, Day1)));
        var page = Render<Invoices>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));

        page.WaitForAssertion(() => Assert.Contains("12.50 EUR", page.Find("[data-testid=draft-summary]").TextContent));
        Assert.Contains("acme-202611", page.Markup);
        Assert.Contains($"/t/{FakeControlPlaneApi.TenantId}/invoices/{InvoiceId}", page.Markup);
        Assert.Contains("99.00 EUR", page.Markup);
        Assert.Contains(">synced<", page.Markup);
    }

    [Fact]
    public void Invoices_None_SaysWhenTheFirstComes()
    {
        Api.Draft = Invoice(null, "2026-12", "draft", 0m, null);
        var page = Render<Invoices>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("No finalized invoices yet", page.Markup));
    }

    [Fact]
    public void Invoice_ShowsLinesStripeIdsAndTheDrillDown_AndDownloadsTheApisCsvAndPdf()
    {
        Api.Me = FakeControlPlaneApi.As("finance");
        Api.Invoices.Add(Invoice(InvoiceId, "2026-11", "finalized", 99.00m, new InvoiceStripeResponse("failed", "cus_123", null, 5, null, "Stripe answered 500", null)));
        Api.DrillDown = new InvoiceDrillDownResponse(InvoiceId, "2026-11", [new("requests", 1500, 1500)], [new(Day1, "chat", "api-key", "key-a", 1500, 10, 20)]);
        Api.Documents[$"{InvoiceId}:text/csv"] = new ApiDocument("acme-202611.csv", ControlPlaneApi.CsvType, "line,amount\n"u8.ToArray());
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7 fake");
        Api.Documents[$"{InvoiceId}:application/pdf"] = new ApiDocument("acme-202611.pdf", ControlPlaneApi.PdfType, pdf);
        var download = JSInterop.SetupVoid("igwPortal.downloadStream", _ => true);
        var page = Render<Invoice>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId).Add(x => x.InvoiceId, InvoiceId));

        page.WaitForAssertion(() => Assert.Contains("Invoice acme-202611", page.Find("h1").TextContent));
        var lines = page.FindAll("[data-testid=invoice-lines] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("1,500", lines[1]);
        Assert.Contains("1,000", lines[1]);
        Assert.Contains("500", lines[1]);
        Assert.Contains("0.50 EUR", lines[1]);
        Assert.Contains("failed", page.Find("[data-testid=stripe-state]").TextContent);
        Assert.Contains("cus_123", page.Markup);
        Assert.Contains("Stripe answered 500", page.Markup);
        Assert.Contains("(equal)", page.Find("[data-testid=drill-down-sums]").TextContent);
        Assert.Contains("key-a", page.Find("[data-testid=drill-down]").TextContent);

        page.FindAll("button").Single(b => b.TextContent.Contains("Download CSV", StringComparison.Ordinal)).Click();
        page.FindAll("button").Single(b => b.TextContent.Contains("Download PDF", StringComparison.Ordinal)).Click();
        Assert.Equal([$"{InvoiceId}:text/csv", $"{InvoiceId}:application/pdf"], Api.DocumentCalls);
        Assert.Equal(["acme-202611.csv", "acme-202611.pdf"], download.Invocations.Select(i => (string)i.Arguments[0]!));
        Assert.Equal(pdf, ((Microsoft.JSInterop.DotNetStreamReference)download.Invocations.ElementAt(1).Arguments[2]!).Stream is MemoryStream m ? m.ToArray() : null);
    }

    [Fact]
    public void Invoice_Draft_IsReadFromTheDraftRoute_AndAFailedDownloadSaysWhy()
    {
        Api.Draft = Invoice(null, "2026-12", "draft", 12.50m, null);
        var page = Render<Invoice>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Assert.Contains("Draft invoice for 2026-12", page.Find("h1").TextContent));
        Assert.Contains("GetInvoiceUsageAsync:", Api.Calls);
        Assert.Contains("A draft is not sent to Stripe", page.Markup);

        page.FindAll("button").Single(b => b.TextContent.Contains("Download PDF", StringComparison.Ordinal)).Click();
        page.WaitForAssertion(() => Assert.Contains("Not acceptable", page.Markup));
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "igwPortal.downloadStream");
    }

    [Fact]
    public void Invoice_Unknown_ShowsTheApisNotFound()
    {
        var page = Render<Invoice>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId).Add(x => x.InvoiceId, Guid.NewGuid()));
        page.WaitForAssertion(() => Assert.Contains("No invoice with that id exists", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=invoice-lines]"));
    }

    private static TenantInvoiceResponse Invoice(Guid? id, string period, string status, decimal total, InvoiceStripeResponse? stripe) => new(
        id, id is null ? null : "acme-" + period.Replace("-", "", StringComparison.Ordinal), FakeControlPlaneApi.TenantId, "acme", period, Day1, Day1.AddMonths(1), status, "Gold", "EUR", total,
        [
            new("baseFee", "Monthly base fee", 1, 0, 1, 98.50m, 1, 98.50m, null),
            new("requests", "Requests", 1500, 1000, 500, 1.00m, 1000, 0.50m, null),
        ],
        id is null ? null : Day1.AddMonths(1), null, stripe);
}
