using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>The operator's lever on the Stripe sync (platform admins): try an invoice again now, from where it stopped.</summary>
internal static class StripeSyncApi
{
    public static RouteGroupBuilder MapStripeSyncApi(this RouteGroupBuilder platform)
    {
        platform.MapPost("/billing/invoices/{invoiceId:guid}/stripe-sync", RetryAsync).WithTags("Invoices").WithName("RetryStripeSync")
            .WithSummary("Queue an invoice for the Stripe sync now: one that failed, is waiting for its backoff, or was finalized before a key was configured.");
        return platform;
    }

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> RetryAsync(
        Guid invoiceId, ControlPlaneDbContext db, IOptions<BillingOptions> options, AdminCallerAccessor callers, TimeProvider time, CancellationToken ct)
    {
        if (await db.Invoices.Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == invoiceId, ct) is not { } invoice)
        {
            return Problems.NotFound("invoice");
        }

        if (!options.Value.Stripe.Enabled)
        {
            return Problems.Conflict("No Stripe key is configured (ControlPlane:Billing:Stripe:ApiKey).");
        }

        if (invoice.StripeState == StripeSyncState.Synced)
        {
            return Problems.Conflict("The invoice is already synced with Stripe.");
        }

        var now = time.GetUtcNow();
        var before = invoice.StripeState;
        invoice.StripeState = StripeSyncState.Pending;
        invoice.StripeAttempts = 0;
        invoice.StripeNextAttemptAt = now;
        IdentityAudit.Add(db, callers.Caller.Actor, now, invoice.TenantId, "invoice.stripe_retry", $"invoice/{invoice.Id}",
            $"Queued invoice {invoice.Number} for the Stripe sync (was {before}).");
        await db.SaveChangesAsync(ct);
        var slug = await db.Tenants.AsNoTracking().Where(t => t.Id == invoice.TenantId).Select(t => t.Slug).SingleAsync(ct);
        var customer = await db.BillingCustomers.AsNoTracking().Where(c => c.TenantId == invoice.TenantId).Select(c => c.StripeCustomerId).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(InvoiceResponse.From(invoice, slug, customer));
    }
}
