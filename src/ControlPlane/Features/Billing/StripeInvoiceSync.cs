using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;
using Invoice = InferenceGateway.ControlPlane.Data.Billing.Invoice;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>
/// Pushes finalized invoices to Stripe: a customer per tenant, an invoice item per non-zero line, one invoice,
/// finalized. Every request carries an idempotency key derived from the invoice id (and the line), and every id
/// Stripe returns is stored before the next step, so a retry after any failure repeats nothing: Stripe answers a
/// repeated key with the object it already made. Failed attempts back off exponentially; each replica claims an
/// invoice by moving its next-attempt time forward before working on it.
/// </summary>
internal sealed partial class StripeInvoiceSync(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<BillingOptions> options, IHttpClientFactory httpClients, ILogger<StripeInvoiceSync> logger)
    : BackgroundService
{
    public const string HttpClientName = "stripe";

    /// <summary>How long a claimed invoice is left to the replica that claimed it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Stripe.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSyncLoopFailed(logger, ex.GetType().Name);
            }

            try
            {
                await Task.Delay(options.Value.Stripe.SyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Tries every invoice whose next attempt is due; returns how many reached the synced state.</summary>
    public async Task<int> SyncDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var due = await db.Invoices.AsNoTracking()
            .Where(i => i.StripeState == StripeSyncState.Pending && i.StripeNextAttemptAt <= now)
            .OrderBy(i => i.StripeNextAttemptAt).Select(i => i.Id).Take(20).ToListAsync(ct);
        var client = CreateClient();
        var synced = 0;
        foreach (var id in due)
        {
            var lease = now + Lease;
            var claimed = await db.Invoices
                .Where(i => i.Id == id && i.StripeState == StripeSyncState.Pending && i.StripeNextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.StripeNextAttemptAt, lease), ct);
            if (claimed == 0)
            {
                continue;
            }

            var invoice = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Id == id, ct);
            var attempts = invoice.StripeAttempts + 1;
            try
            {
                await SyncAsync(db, client, invoice, now, ct);
                synced++;
                LogSynced(logger, invoice.Number, invoice.StripeInvoiceId!);
            }
            catch (Exception ex) when (Describe(ex) is { } error)
            {
                db.ChangeTracker.Clear();
                var failed = attempts >= options.Value.Stripe.MaxAttempts;
                var next = now + Backoff(attempts);
                await db.Invoices.Where(i => i.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.StripeAttempts, attempts)
                    .SetProperty(i => i.StripeLastError, error)
                    .SetProperty(i => i.StripeState, failed ? StripeSyncState.Failed : StripeSyncState.Pending)
                    .SetProperty(i => i.StripeNextAttemptAt, failed ? null : next), ct);
                LogAttemptFailed(logger, invoice.Number, attempts, error);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }

        return synced;
    }

    private async Task SyncAsync(ControlPlaneDbContext db, IStripeClient client, Invoice invoice, DateTimeOffset now, CancellationToken ct)
    {
        var stripe = options.Value.Stripe;
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == invoice.TenantId, ct);
        var currency = invoice.Currency.ToLowerInvariant();
        var customer = await db.BillingCustomers.FirstOrDefaultAsync(c => c.TenantId == tenant.Id, ct);
        if (customer is null)
        {
            var created = await new CustomerService(client).CreateAsync(
                new CustomerCreateOptions
                {
                    Name = tenant.DisplayName,
                    Email = await BillingEmailAsync(db, tenant.Id, ct),
                    Metadata = new Dictionary<string, string> { ["igw_tenant_id"] = tenant.Id.ToString(), ["igw_tenant_slug"] = tenant.Slug },
                },
                Idempotent($"igw-customer-{tenant.Id}"),
                ct);
            customer = new BillingCustomer { TenantId = tenant.Id, StripeCustomerId = created.Id, CreatedAt = now };
            db.BillingCustomers.Add(customer);
            await db.SaveChangesAsync(ct);
        }

        var metadata = new Dictionary<string, string>
        {
            ["igw_invoice_id"] = invoice.Id.ToString(), ["igw_invoice_number"] = invoice.Number, ["igw_period"] = BillingPeriod.Containing(invoice.PeriodStart).Label,
        };
        var invoices = new InvoiceService(client);
        if (invoice.StripeInvoiceId is null)
        {
            var created = await invoices.CreateAsync(
                new InvoiceCreateOptions
                {
                    Customer = customer.StripeCustomerId,
                    Currency = currency,
                    CollectionMethod = "send_invoice",
                    DaysUntilDue = stripe.DaysUntilDue,
                    AutoAdvance = false,
                    PendingInvoiceItemsBehavior = "exclude",
                    Description = $"Inference Gateway {invoice.Number}",
                    Metadata = metadata,
                },
                Idempotent($"igw-invoice-{invoice.Id}"),
                ct);
            invoice.StripeInvoiceId = created.Id;
            await db.SaveChangesAsync(ct);
        }

        var items = new InvoiceItemService(client);
        foreach (var line in invoice.Lines.Where(l => l.Amount > 0 && l.StripeInvoiceItemId is null).OrderBy(l => l.Position))
        {
            var item = await items.CreateAsync(
                new InvoiceItemCreateOptions
                {
                    Customer = customer.StripeCustomerId,
                    Invoice = invoice.StripeInvoiceId,
                    Currency = currency,
                    Amount = Currencies.ToMinorUnits(line.Amount, invoice.Currency),
                    Description = line.Kind == InvoiceLineKind.BaseFee ? line.Description : $"{line.Description}: {line.Billable} beyond {line.Included} included",
                    Metadata = new Dictionary<string, string>(metadata) { ["igw_line"] = line.Kind.ToString() },
                },
                Idempotent($"igw-invoice-{invoice.Id}-line-{line.Kind}"),
                ct);
            line.StripeInvoiceItemId = item.Id;
            await db.SaveChangesAsync(ct);
        }

        await invoices.FinalizeInvoiceAsync(invoice.StripeInvoiceId, new InvoiceFinalizeOptions { AutoAdvance = true }, Idempotent($"igw-invoice-{invoice.Id}-finalize"), ct);
        invoice.StripeState = StripeSyncState.Synced;
        invoice.StripeSyncedAt = now;
        invoice.StripeNextAttemptAt = null;
        invoice.StripeLastError = null;
        invoice.StripeAttempts++;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Where Stripe sends the tenant's invoices: its earliest finance member, else its earliest tenant admin.</summary>
    private static async Task<string?> BillingEmailAsync(ControlPlaneDbContext db, Guid tenantId, CancellationToken ct)
    {
        var contacts = await (from m in db.TenantMemberships.AsNoTracking()
                              join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                              where m.TenantId == tenantId && (m.Role == Roles.Finance || m.Role == Roles.TenantAdmin)
                              select new { m.Role, m.CreatedAt, u.Email }).ToListAsync(ct);
        return contacts.OrderBy(c => c.Role == Roles.Finance ? 0 : 1).ThenBy(c => c.CreatedAt).Select(c => c.Email).FirstOrDefault();
    }

    private StripeClient CreateClient()
    {
        var stripe = options.Value.Stripe;
        var clientOptions = new StripeClientOptions
        {
            ApiKey = stripe.ApiKey,

            // Retries are this worker's, with backoff and the same idempotency keys; the library's would block it.
            HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), 0, new AppInfo { Name = "InferenceGateway" }, false),
        };
        if (stripe.ApiBase is { Length: > 0 } apiBase)
        {
            clientOptions.ApiBase = apiBase.TrimEnd('/');
        }

        return new StripeClient(clientOptions);
    }

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    private TimeSpan Backoff(int attempts)
    {
        var delay = options.Value.Stripe.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 16));
        return delay < TimeSpan.FromHours(1) ? delay : TimeSpan.FromHours(1);
    }

    /// <summary>What an attempt's failure is stored as: status and error type, never Stripe's message (it may quote request data).</summary>
    private static string? Describe(Exception ex) => ex switch
    {
        StripeException s => $"Stripe answered {(int)s.HttpStatusCode} ({s.StripeError?.Type ?? "error"}{(s.StripeError?.Code is { } code ? "/" + code : string.Empty)}).",
        HttpRequestException h => $"Stripe is unreachable ({h.HttpRequestError}).",
        TaskCanceledException => "Stripe did not answer in time.",
        DbUpdateException => "Another replica stored a Stripe id at the same time; retrying.",
        _ => null,
    };

    [LoggerMessage(EventId = 4410, Level = LogLevel.Information, Message = "Synced invoice {Number} to Stripe as {StripeInvoiceId}")]
    private static partial void LogSynced(ILogger logger, string number, string stripeInvoiceId);

    [LoggerMessage(EventId = 4411, Level = LogLevel.Warning, Message = "Stripe sync of invoice {Number} failed (attempt {Attempt}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string number, int attempt, string error);

    [LoggerMessage(EventId = 4412, Level = LogLevel.Warning, Message = "The Stripe sync loop failed ({Error}); trying again at the next interval")]
    private static partial void LogSyncLoopFailed(ILogger logger, string error);
}
