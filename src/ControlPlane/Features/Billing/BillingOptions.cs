using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>Section <c>ControlPlane:Billing</c>: when months close into invoices, and the Stripe connection.</summary>
internal sealed class BillingOptions
{
    public const string Section = "ControlPlane:Billing";

    /// <summary>How long after a month ends its invoices are finalized: usage batches still in flight (a node's journal replay) land first.</summary>
    public TimeSpan CloseDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often each replica looks for months to close.</summary>
    public TimeSpan CloseInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The first month (yyyy-MM) that gets invoices. Months before it are never invoiced, whatever the tenants'
    /// creation dates: set it when turning billing on in a deployment whose tenants already exist. Unset, each
    /// tenant's first invoice is for the month it was created in.
    /// </summary>
    public string? FirstPeriod { get; set; }

    public StripeOptions Stripe { get; set; } = new();
}

/// <summary>Section <c>ControlPlane:Billing:Stripe</c>. Without an API key nothing is sent to Stripe.</summary>
internal sealed class StripeOptions
{
    /// <summary>A secret or restricted key (<c>sk_live_…</c>, <c>rk_live_…</c>) with write access to customers, invoices and invoice items.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The signing secret of the webhook endpoint (<c>whsec_…</c>); required with an API key.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Another API base URL (a proxy, or a local fake in tests); Stripe's own by default.</summary>
    public string? ApiBase { get; set; }

    /// <summary>Days the tenant has to pay a Stripe invoice (sent by email, collection method send_invoice).</summary>
    public int DaysUntilDue { get; set; } = 30;

    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry waits this long; each further one twice as long, up to an hour.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After this many failed attempts an invoice's sync state becomes failed (an operator looks at the last error).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>How old a webhook's signature timestamp may be.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);
}

internal sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        const string s = BillingOptions.Section;
        var errors = new List<string>();
        if (options.CloseDelay < TimeSpan.Zero || options.CloseDelay > TimeSpan.FromDays(7))
        {
            errors.Add($"{s}:CloseDelay is from 00:00:00 to 7.00:00:00.");
        }

        if (options.CloseInterval < TimeSpan.FromSeconds(1) || options.CloseInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{s}:CloseInterval is from 00:00:01 to 01:00:00.");
        }

        if (options.FirstPeriod is not null && !BillingPeriod.TryParse(options.FirstPeriod, out _))
        {
            errors.Add($"{s}:FirstPeriod is a month as yyyy-MM, for example 2027-01.");
        }

        var stripe = options.Stripe;
        if (stripe.Enabled && string.IsNullOrWhiteSpace(stripe.WebhookSecret))
        {
            errors.Add($"{s}:Stripe:WebhookSecret is required with {s}:Stripe:ApiKey: without it payments cannot be recorded.");
        }

        if (stripe.ApiBase is { Length: > 0 } apiBase
            && (!Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.PathAndQuery != "/"))
        {
            errors.Add($"{s}:Stripe:ApiBase is an absolute http(s) URL without a path, for example https://api.stripe.com.");
        }

        if (stripe.DaysUntilDue is < 1 or > 365)
        {
            errors.Add($"{s}:Stripe:DaysUntilDue is from 1 to 365.");
        }

        if (stripe.SyncInterval < TimeSpan.FromSeconds(1) || stripe.RetryBaseDelay < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{s}:Stripe:SyncInterval and {s}:Stripe:RetryBaseDelay are at least 00:00:01.");
        }

        if (stripe.MaxAttempts is < 1 or > 100)
        {
            errors.Add($"{s}:Stripe:MaxAttempts is from 1 to 100.");
        }

        if (stripe.WebhookTolerance < TimeSpan.FromSeconds(10) || stripe.WebhookTolerance > TimeSpan.FromHours(1))
        {
            errors.Add($"{s}:Stripe:WebhookTolerance is from 00:00:10 to 01:00:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
