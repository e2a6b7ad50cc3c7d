using System.Net;
using System.Security.Cryptography;
using System.Text;
using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Features.Billing;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

public sealed class StripeSyncTests(StripeControlPlaneApp app) : IClassFixture<StripeControlPlaneApp>
{
    private FakeStripe Stripe => app.Stripe;

    private Task<int> SyncAsync() => app.Services.GetRequiredService<StripeInvoiceSync>().SyncDueAsync(CancellationToken.None);

    /// <summary>A tenant with one closed month of usage beyond the included units (every line non-zero) and one without usage.</summary>
    private async Task<(string TenantId, Invoice Busy, Invoice Quiet)> ClosedTenantAsync()
    {
        var (tenant, _) = await app.Admin().PricedTenantAsync("EUR");
        await app.BackdateTenantAsync(tenant, app.Month(2).Start.AddDays(1));
        await app.AddUsageAsync(tenant, app.Month(2).Start.AddDays(3), requests2xx: 3500, input: 1_100_000, output: 350_000);
        await app.CloseAsync();
        var invoices = await app.WithDbAsync(db => db.Invoices.Include(i => i.Lines).Where(i => i.TenantId == Guid.Parse(tenant)).OrderBy(i => i.PeriodStart).ToListAsync());
        Assert.Equal(2, invoices.Count);
        Assert.All(invoices, i => Assert.Equal(StripeSyncState.Pending, i.StripeState));
        return (tenant, invoices[0], invoices[1]);
    }

    private List<StripeCall> CallsFor(Invoice invoice) =>
        Stripe.Calls.Where(c => c.IdempotencyKey?.StartsWith($"igw-invoice-{invoice.Id}", StringComparison.Ordinal) == true).ToList();

    [Fact]
    public async Task Sync_CreatesOneCustomerPerTenant_ItemsAndAFinalizedInvoice_WithIdempotencyKeys()
    {
        var (tenant, busy, quiet) = await ClosedTenantAsync();
        var (adminEmail, _, _) = await app.MemberAsync(tenant, "tenant-admin");
        var (financeEmail, _, _) = await app.MemberAsync(tenant, "finance");

        Assert.True(await SyncAsync() >= 2);

        Assert.All(Stripe.Calls, c => Assert.Equal("Bearer " + FakeStripe.ApiKey, c.Authorization));
        var customers = Stripe.CallsTo("/v1/customers").Where(c => c.IdempotencyKey == $"igw-customer-{tenant}").ToList();
        Assert.Single(customers);
        Assert.Equal(tenant, customers[0].Form["metadata[igw_tenant_id]"]);

        // Stripe emails the invoices to the tenant's finance member rather than its admin.
        Assert.Equal(financeEmail, customers[0].Form["email"]);
        Assert.NotEqual(adminEmail, financeEmail);

        var calls = CallsFor(busy);
        var invoiceCall = Assert.Single(calls, c => c.Path == "/v1/invoices");
        Assert.Equal($"igw-invoice-{busy.Id}", invoiceCall.IdempotencyKey);
        Assert.Equal("eur", invoiceCall.Form["currency"]);
        Assert.Equal("send_invoice", invoiceCall.Form["collection_method"]);
        Assert.Equal("exclude", invoiceCall.Form["pending_invoice_items_behavior"]);
        Assert.Equal(busy.Id.ToString(), invoiceCall.Form["metadata[igw_invoice_id]"]);

        // One item per line, in minor units: 10.00 + 1.25 + 2.00 + 1.50 EUR.
        var items = calls.Where(c => c.Path == "/v1/invoiceitems").ToList();
        Assert.Equal(
            ["BaseFee:1000", "Requests:125", "InputTokens:200", "OutputTokens:150"],
            items.Select(c => $"{c.Form["metadata[igw_line]"]}:{c.Form["amount"]}"));
        Assert.Equal(
            new[] { "BaseFee", "Requests", "InputTokens", "OutputTokens" }.Select(k => $"igw-invoice-{busy.Id}-line-{k}"),
            items.Select(c => c.IdempotencyKey!));
        var customerId = await app.WithDbAsync(db => db.BillingCustomers.Where(c => c.TenantId == Guid.Parse(tenant)).Select(c => c.StripeCustomerId).SingleAsync());
        Assert.All(items, c => Assert.Equal(customerId, c.Form["customer"]));
        var finalize = Assert.Single(calls, c => c.Path.EndsWith("/finalize", StringComparison.Ordinal));
        Assert.Equal("true", finalize.Form["auto_advance"]);

        // The quiet month bills the base fee only: one item.
        Assert.Single(CallsFor(quiet), c => c.Path == "/v1/invoiceitems");

        var json = await app.Admin().GetJsonAsync($"/api/v1/invoices/{busy.Id}");
        Assert.Equal("synced", (string)json["stripe"]!["state"]!);
        Assert.Equal(customerId, (string)json["stripe"]!["customerId"]!);
        Assert.Equal(finalize.Path.Split('/')[3], (string)json["stripe"]!["invoiceId"]!);
        Assert.All(json["lines"]!.AsArray(), l => Assert.StartsWith("ii_fake", (string)l!["stripeInvoiceItemId"]!, StringComparison.Ordinal));
        Assert.Equal(0, await SyncAsync());
    }

    [Fact]
    public async Task Sync_AfterA500_RetriesWithBackoff_AndCreatesNothingTwice()
    {
        var (tenant, busy, quiet) = await ClosedTenantAsync();
        Stripe.FailNext = ((p, form) => p == "/v1/invoiceitems" && form.GetValueOrDefault("metadata[igw_invoice_id]") == busy.Id.ToString(), false);

        await SyncAsync();
        Guid[] ours = [busy.Id, quiet.Id];
        var failed = await app.WithDbAsync(db => db.Invoices.SingleAsync(i => ours.Contains(i.Id) && i.StripeState == StripeSyncState.Pending));
        Assert.Equal(1, failed.StripeAttempts);
        Assert.Equal("Stripe answered 500 (api_error).", failed.StripeLastError);
        Assert.True(failed.StripeNextAttemptAt > app.Time.GetUtcNow());

        // Not due before the backoff has passed; due after it.
        Assert.Equal(0, await SyncAsync());
        app.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await SyncAsync() >= 1);

        var synced = await app.WithDbAsync(db => db.Invoices.Where(i => ours.Contains(i.Id)).ToListAsync());
        Assert.All(synced, i => Assert.Equal(StripeSyncState.Synced, i.StripeState));
        Assert.All(synced, i => Assert.Null(i.StripeLastError));

        // Customer, two invoices, five items: each made once, and each created object has its own key.
        string[] owners = [tenant, busy.Id.ToString(), quiet.Id.ToString()];
        var made = Stripe.Created.Where(c => owners.Contains(c.Owner)).Select(c => c.Id).ToList();
        Assert.Equal(made.Count, made.Distinct().Count());
        Assert.Equal(1 + 2 + 5, made.Count);
        var keys = CallsFor(busy).Concat(CallsFor(quiet)).Where(c => c.Status == 200 && !c.Replayed && !c.Path.EndsWith("/finalize", StringComparison.Ordinal))
            .Select(c => c.IdempotencyKey).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public async Task Sync_WhenStripesAnswerIsLost_ReusesTheObjectItMadeOnRetry()
    {
        var (_, busy, quiet) = await ClosedTenantAsync();
        Stripe.FailNext = ((p, form) => p == "/v1/invoices" && form.GetValueOrDefault("metadata[igw_invoice_id]") == busy.Id.ToString(), true);

        await SyncAsync();
        Guid[] ours = [busy.Id, quiet.Id];
        var failed = await app.WithDbAsync(db => db.Invoices.SingleAsync(i => ours.Contains(i.Id) && i.StripeState == StripeSyncState.Pending));
        Assert.StartsWith("Stripe is unreachable", failed.StripeLastError, StringComparison.Ordinal);
        Assert.Null(failed.StripeInvoiceId);
        app.Time.Advance(TimeSpan.FromSeconds(11));
        await SyncAsync();

        var synced = await app.WithDbAsync(db => db.Invoices.SingleAsync(i => i.Id == failed.Id));
        Assert.Equal(StripeSyncState.Synced, synced.StripeState);

        // The retry's key was answered from Stripe's record of the first request: one Stripe invoice, and it is the stored one.
        var invoiceCalls = CallsFor(failed).Where(c => c.Path == "/v1/invoices").ToList();
        Assert.Equal(2, invoiceCalls.Count);
        Assert.True(invoiceCalls[1].Replayed);
        string[] owners = [busy.Id.ToString(), quiet.Id.ToString()];
        var invoicesMade = Stripe.Created.Where(c => owners.Contains(c.Owner) && c.Id.StartsWith("in_", StringComparison.Ordinal)).Select(c => c.Id).ToList();
        Assert.Equal(2, invoicesMade.Count); // the busy and the quiet month
        Assert.Contains(synced.StripeInvoiceId, invoicesMade);
    }

    [Fact]
    public async Task Retry_QueuesAFailedInvoiceAgain_AndRefusesASyncedOne()
    {
        var (_, busy, quiet) = await ClosedTenantAsync();
        Stripe.FailNext = ((p, form) => p == "/v1/invoices" && form.GetValueOrDefault("metadata[igw_invoice_id]") == busy.Id.ToString(), false);
        await SyncAsync();

        // As after the last allowed attempt.
        await app.WithDbAsync(db => db.Invoices.Where(i => i.Id == busy.Id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.StripeState, StripeSyncState.Failed).SetProperty(i => i.StripeNextAttemptAt, (DateTimeOffset?)null)));
        Assert.Equal(0, await SyncAsync());

        var queued = await app.Admin().PostOkAsync($"/api/v1/billing/invoices/{busy.Id}/stripe-sync", new { }, HttpStatusCode.OK);
        Assert.Equal("pending", (string)queued["stripe"]!["state"]!);
        Assert.Equal(0, (int)queued["stripe"]!["attempts"]!);
        Assert.True(await SyncAsync() >= 1);
        Assert.Equal(StripeSyncState.Synced, await app.WithDbAsync(db => db.Invoices.Where(i => i.Id == busy.Id).Select(i => i.StripeState).SingleAsync()));

        var again = await app.Admin().PostAsync($"/api/v1/billing/invoices/{quiet.Id}/stripe-sync", Api.Json("{}"));
        await again.ProblemAsync(HttpStatusCode.Conflict);
        await (await app.Admin().PostAsync($"/api/v1/billing/invoices/{Guid.NewGuid()}/stripe-sync", Api.Json("{}"))).ProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await app.CreateClient().SendAsync(request);
    }

    private string Sign(string payload, string secret = StripeControlPlaneApp.WebhookSecret, TimeSpan? age = null)
    {
        var timestamp = (app.Time.GetUtcNow() - (age ?? TimeSpan.Zero)).ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string Event(string type, string stripeInvoiceId) =>
        "{\"id\":\"evt_" + Guid.NewGuid().ToString("N") + "\",\"object\":\"event\",\"api_version\":\"2025-01-27.acacia\",\"created\":1764547200,"
        + "\"livemode\":false,\"pending_webhooks\":1,\"type\":\"" + type + "\",\"data\":{\"object\":{\"id\":\"" + stripeInvoiceId + "\",\"object\":\"invoice\"}}}";

    private async Task<(Invoice Busy, Invoice Quiet)> LinkedInvoicesAsync()
    {
        var (_, busy, quiet) = await ClosedTenantAsync();
        await app.WithDbAsync(async db =>
        {
            // As after a sync: the Stripe invoice exists and is known by id.
            await db.Invoices.Where(i => i.Id == busy.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.StripeInvoiceId, $"in_hook_{busy.Id:N}").SetProperty(i => i.StripeState, StripeSyncState.Synced));
            return await db.Invoices.Where(i => i.Id == quiet.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.StripeInvoiceId, $"in_hook_{quiet.Id:N}").SetProperty(i => i.StripeState, StripeSyncState.Synced));
        });
        return (busy, quiet);
    }

    private Task<InvoiceStatus> StatusAsync(Invoice invoice) => app.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.Status).SingleAsync());

    [Fact]
    public async Task Webhook_WithABadSignature_IsRefused_AndChangesNothing()
    {
        var (busy, _) = await LinkedInvoicesAsync();
        var payload = Event("invoice.paid", $"in_hook_{busy.Id:N}");

        await (await PostWebhookAsync(payload, Sign(payload, secret: "whsec_someone_else"))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await PostWebhookAsync(payload, null)).ProblemAsync(HttpStatusCode.BadRequest);
        await (await PostWebhookAsync(payload, Sign(payload, age: TimeSpan.FromMinutes(10)))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await PostWebhookAsync(payload.Replace("invoice.paid", "invoice.payment_failed", StringComparison.Ordinal), Sign(payload))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(InvoiceStatus.Finalized, await StatusAsync(busy));
        Assert.Equal(0, await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Target == $"invoice/{busy.Id}" && e.Actor == "stripe")));
    }

    [Fact]
    public async Task Webhook_Signed_MarksInvoicesPaidOrPaymentFailed()
    {
        var (busy, quiet) = await LinkedInvoicesAsync();

        var paid = Event("invoice.paid", $"in_hook_{busy.Id:N}");
        var ok = await PostWebhookAsync(paid, Sign(paid));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("\"applied\":true", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(InvoiceStatus.Paid, await StatusAsync(busy));
        Assert.Equal("paid", (string)(await app.Admin().GetJsonAsync($"/api/v1/invoices/{busy.Id}"))["status"]!);

        // A failure reported after the payment does not undo it; a failure on an unpaid invoice is recorded.
        var lateFailure = Event("invoice.payment_failed", $"in_hook_{busy.Id:N}");
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(lateFailure, Sign(lateFailure))).StatusCode);
        Assert.Equal(InvoiceStatus.Paid, await StatusAsync(busy));
        var failed = Event("invoice.payment_failed", $"in_hook_{quiet.Id:N}");
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(failed, Sign(failed))).StatusCode);
        Assert.Equal(InvoiceStatus.PaymentFailed, await StatusAsync(quiet));

        // Events for other objects or of other types are acknowledged and change nothing.
        var other = Event("customer.created", $"in_hook_{quiet.Id:N}");
        var ignored = await PostWebhookAsync(other, Sign(other));
        Assert.Contains("\"applied\":false", await ignored.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(InvoiceStatus.PaymentFailed, await StatusAsync(quiet));
    }
}
