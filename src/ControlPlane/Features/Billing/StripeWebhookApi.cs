using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>
/// Stripe's calls about invoices: the signature (Stripe-Signature, HMAC of the raw body under the webhook secret,
/// with a timestamp inside the tolerance) is the credential. <c>invoice.paid</c> marks the invoice paid,
/// <c>invoice.payment_failed</c> marks it payment-failed; other events are acknowledged and ignored.
/// </summary>
internal static partial class StripeWebhookApi
{
    public const string Route = "/api/v1/billing/stripe/webhook";
    private const int MaxPayloadBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, ReceiveAsync).AllowAnonymous().DisableAntiforgery().WithTags("Invoices").WithName("ReceiveStripeWebhook")
            .WithSummary("For Stripe: invoice events signed with the webhook secret; invoice.paid and invoice.payment_failed update the invoice.");
        return endpoints;
    }

    private static async Task<Results<Ok<StripeWebhookResponse>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, ControlPlaneDbContext db, IOptions<BillingOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var stripe = options.Value.Stripe;
        if (string.IsNullOrWhiteSpace(stripe.WebhookSecret))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "Stripe webhooks are not configured on this gateway.");
        }

        // Stripe sends a Content-Length; Kestrel holds the body to it, so the read below is bounded.
        if (request.ContentLength is not { } length || length > MaxPayloadBytes)
        {
            return Problems.BadRequest($"A Stripe event comes with a Content-Length of at most {MaxPayloadBytes} bytes.");
        }

        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        var payload = await reader.ReadToEndAsync(ct);

        Event stripeEvent;
        var now = time.GetUtcNow();
        try
        {
            stripeEvent = EventUtility.ConstructEvent(
                payload, request.Headers["Stripe-Signature"].ToString(), stripe.WebhookSecret,
                (long)stripe.WebhookTolerance.TotalSeconds, now.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException)
        {
            return Problems.BadRequest("The Stripe-Signature header does not verify this payload with the webhook secret.");
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return Problems.BadRequest("The payload is not a Stripe event.");
        }

        var status = stripeEvent.Type switch
        {
            "invoice.paid" => InvoiceStatus.Paid,
            "invoice.payment_failed" => InvoiceStatus.PaymentFailed,
            _ => (InvoiceStatus?)null,
        };
        var applied = false;
        if (status is { } target && stripeEvent.Data.Object is Stripe.Invoice { Id: { Length: > 0 } stripeInvoiceId }
            && await db.Invoices.FirstOrDefaultAsync(i => i.StripeInvoiceId == stripeInvoiceId, ct) is { } invoice
            && invoice.Status != InvoiceStatus.Paid && invoice.Status != target)
        {
            // A payment failure arriving after the payment does not undo it; a repeated event changes nothing.
            invoice.Status = target;
            invoice.PaidAt = target == InvoiceStatus.Paid ? now : invoice.PaidAt;
            db.AuditEvents.Add(new AuditEvent
            {
                Id = Guid.CreateVersion7(),
                At = now,
                Actor = "stripe",
                TenantId = invoice.TenantId,
                Action = target == InvoiceStatus.Paid ? "invoice.paid" : "invoice.payment_failed",
                Target = $"invoice/{invoice.Id}",
                Summary = $"Stripe reported invoice {invoice.Number} {(target == InvoiceStatus.Paid ? "paid" : "payment failed")} (event {stripeEvent.Id}).",
            });
            await db.SaveChangesAsync(ct);
            applied = true;
        }

        LogEvent(loggers.CreateLogger(typeof(StripeWebhookApi).FullName!), stripeEvent.Id, stripeEvent.Type, applied);
        return TypedResults.Ok(new StripeWebhookResponse(stripeEvent.Id, stripeEvent.Type, applied));
    }

    [LoggerMessage(EventId = 4420, Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) received; applied: {Applied}")]
    private static partial void LogEvent(ILogger logger, string eventId, string type, bool applied);
}
