using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InferenceGateway.Portal.Tests.Browser;

/// <summary>Usage and invoices in Chromium against the standalone product, after real traffic through its gateway to the sample model.</summary>
[Collection(PortalCollection.Name)]
public sealed class BillingBrowserTests(PortalFixture fixture)
{
    private const int Requests = 7;

    [Fact]
    public async Task AfterRealTraffic_TheTenantAdminSeesItsUsage_AndFinanceDownloadsTheInvoicesCsvAndPdf()
    {
        var model = "billed-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Admin.CreateEndpointAsync(fixture.DemoTenantId, new(model, fixture.SampleModelUrl, null, 60, null));
        var key = await fixture.Admin.CreateApiKeyAsync(fixture.DemoTenantId, new("billing " + model, [model], null));
        await SendTrafficAsync(model, key.Key);
        var (all, input, output) = await MeteredAsync(model);

        // The tenant admin: the model's row in the usage table holds the requests and tokens the ledger holds.
        var admin = await fixture.SignInAsync(fixture.DemoAdmin);
        await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Usage", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Usage of Demo tenant" })).ToBeVisibleAsync();
        var row = admin.GetByTestId("usage-by-model").GetByRole(AriaRole.Row).Filter(new() { HasText = model });
        var cells = row.Locator("td");
        await Expect(cells.Nth(0)).ToHaveTextAsync(model);
        await Expect(cells.Nth(1)).ToHaveTextAsync(all.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(cells.Nth(3)).ToHaveTextAsync(input.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(cells.Nth(4)).ToHaveTextAsync(output.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(input > 0 && output > 0, "The sample model reports usage, so the ledger holds tokens.");
        await Expect(admin.GetByTestId("usage-by-credential")).ToContainTextAsync(key.ApiKey.Id.ToString());
        await Expect(admin.Locator(".usage-chart").GetByRole(AriaRole.Button, new() { Name = model })).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(admin, "usage");
        await admin.Context.CloseAsync();

        // Finance: the month's invoice, its lines, and the API's own CSV and PDF saved by the browser.
        var finance = await fixture.SignInAsync(fixture.DemoFinance);
        await finance.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Invoices", Exact = true }).ClickAsync();
        await finance.GetByRole(AriaRole.Link, new() { Name = "Open the draft" }).ClickAsync();
        await Expect(finance.GetByRole(AriaRole.Heading, new() { Name = "Draft invoice for " + DateTime.UtcNow.ToString("yyyy-MM") })).ToBeVisibleAsync();
        await Expect(finance.GetByTestId("invoice-lines")).ToContainTextAsync("Requests");
        await Expect(finance.GetByTestId("drill-down")).ToContainTextAsync(model);
        await PortalFixture.ScreenshotAsync(finance, "invoice");

        var csv = await finance.RunAndWaitForDownloadAsync(() => finance.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync(await csv.PathAsync())).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("invoice,period,status,currency,line,", lines[0], StringComparison.Ordinal);
        var requests = lines.Single(l => l.Split(',')[4] == "requests").Split(',');
        Assert.True(long.Parse(requests[6], System.Globalization.CultureInfo.InvariantCulture) >= Requests, string.Join('\n', lines));
        Assert.Contains(lines, l => l.Split(',')[4] == "total");

        var pdf = await finance.RunAndWaitForDownloadAsync(() => finance.GetByRole(AriaRole.Button, new() { Name = "Download PDF" }).ClickAsync());
        Assert.EndsWith(".pdf", pdf.SuggestedFilename, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(await pdf.PathAsync());
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
        await finance.Context.CloseAsync();
    }

    private async Task SendTrafficAsync(string model, string secret)
    {
        using var gateway = new HttpClient();
        var url = $"{fixture.GatewayUrl}/t/{fixture.DemoSlug}/{model}/v1/chat/completions";
        var sent = 0;
        for (var attempt = 0; attempt < 300 && sent < Requests; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("""{"model":"sample-trigram-1","messages":[{"role":"user","content":"hello there"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await gateway.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                sent++;
            }
            else if (sent == 0)
            {
                // The key and the endpoint reach the node a moment after the API answers; refusals before that are not metered as OK.
                await Task.Delay(100);
            }
            else
            {
                Assert.Fail($"The gateway answered {(int)response.StatusCode} after serving {sent} requests.");
            }
        }

        Assert.Equal(Requests, sent);
    }

    /// <summary>Waits until the ledger holds the model's requests (nodes report every second), and returns its token sums.</summary>
    private async Task<(long All, long Input, long Output)> MeteredAsync(string model)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var usage = await fixture.Admin.GetUsageAsync(fixture.DemoTenantId, groupBy: "model");
            var rows = usage.Rows.Where(r => r.Model == model).ToList();
            if (rows.Sum(r => r.Requests2xx) == Requests)
            {
                return (rows.Sum(r => r.Requests), rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens));
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"The ledger never held the {Requests} requests to {model}.");
    }
}
