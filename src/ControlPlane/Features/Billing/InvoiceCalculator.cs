using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Billing;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>The prices an invoice applies: a plan's, copied when the invoice is computed.</summary>
internal sealed record BillingPrices(
    string Currency,
    decimal MonthlyBaseFee,
    decimal PricePer1KRequests,
    decimal PricePer1MInputTokens,
    decimal PricePer1MOutputTokens,
    long IncludedRequests,
    long IncludedInputTokens,
    long IncludedOutputTokens)
{
    public static BillingPrices From(Plan p) => new(
        p.Currency, p.MonthlyBaseFee, p.PricePer1KRequests, p.PricePer1MInputTokens, p.PricePer1MOutputTokens,
        p.IncludedRequests, p.IncludedInputTokens, p.IncludedOutputTokens);
}

/// <summary>
/// One day aggregate of the usage ledger behind an invoice: one tenant's credential and model on one UTC day.
/// <see cref="Requests"/> counts the requests billed (answered 2xx or 3xx); tokens include estimated ones.
/// </summary>
internal sealed record InvoiceUsageRow(
    DateTimeOffset Day, string Model, string CredentialKind, string CredentialId, long Requests, long InputTokens, long OutputTokens);

internal sealed record CalculatedLine(
    InvoiceLineKind Kind, string Description, long Quantity, long Included, long Billable, decimal UnitPrice, long UnitSize, decimal Amount);

internal sealed record CalculatedInvoice(string Currency, IReadOnlyList<CalculatedLine> Lines, decimal Total);

/// <summary>
/// Usage to money. Each usage line bills the units beyond the included ones at the plan's price per 1,000 requests
/// or per 1,000,000 tokens; every line amount (the base fee too) is rounded half away from zero to the currency's
/// minor unit, and the total is the sum of the rounded lines, so the lines always add up to the total.
/// </summary>
internal static class InvoiceCalculator
{
    public const long RequestUnit = 1_000;
    public const long TokenUnit = 1_000_000;

    public static CalculatedInvoice Calculate(BillingPrices prices, IEnumerable<InvoiceUsageRow> rows)
    {
        long requests = 0, input = 0, output = 0;
        foreach (var row in rows)
        {
            requests = checked(requests + row.Requests);
            input = checked(input + row.InputTokens);
            output = checked(output + row.OutputTokens);
        }

        var currency = prices.Currency;
        List<CalculatedLine> lines =
        [
            new(InvoiceLineKind.BaseFee, "Monthly base fee", 1, 0, 1, prices.MonthlyBaseFee, 1, Currencies.Round(prices.MonthlyBaseFee, currency)),
            Usage(InvoiceLineKind.Requests, "Requests", requests, prices.IncludedRequests, prices.PricePer1KRequests, RequestUnit, currency),
            Usage(InvoiceLineKind.InputTokens, "Input tokens", input, prices.IncludedInputTokens, prices.PricePer1MInputTokens, TokenUnit, currency),
            Usage(InvoiceLineKind.OutputTokens, "Output tokens", output, prices.IncludedOutputTokens, prices.PricePer1MOutputTokens, TokenUnit, currency),
        ];
        return new CalculatedInvoice(currency, lines, lines.Sum(l => l.Amount));
    }

    /// <summary>How much of one line kind a usage row holds (the base fee has none).</summary>
    public static long QuantityOf(InvoiceUsageRow row, InvoiceLineKind kind) => kind switch
    {
        InvoiceLineKind.Requests => row.Requests,
        InvoiceLineKind.InputTokens => row.InputTokens,
        InvoiceLineKind.OutputTokens => row.OutputTokens,
        _ => 0,
    };

    private static CalculatedLine Usage(InvoiceLineKind kind, string description, long quantity, long included, decimal unitPrice, long unitSize, string currency)
    {
        var billable = Math.Max(0, quantity - included);
        return new CalculatedLine(kind, description, quantity, included, billable, unitPrice, unitSize, Currencies.Round(billable * unitPrice / unitSize, currency));
    }
}
