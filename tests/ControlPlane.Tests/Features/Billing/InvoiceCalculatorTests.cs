using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Features.Billing;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

public sealed class InvoiceCalculatorTests
{
    private static readonly BillingPrices Usd = new("USD", 10m, 0.5m, 2m, 6m, 1000, 100_000, 100_000);

    private static InvoiceUsageRow Row(long requests, long input, long output, int day = 1) =>
        new(new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.Zero), "sample", "api-key", "key-1", requests, input, output);

    [Fact]
    public void Calculate_WithinIncludedUnits_BillsOnlyTheBaseFee()
    {
        var invoice = InvoiceCalculator.Calculate(Usd, [Row(600, 50_000, 0), Row(400, 50_000, 100_000, day: 2)]);

        Assert.Equal([InvoiceLineKind.BaseFee, InvoiceLineKind.Requests, InvoiceLineKind.InputTokens, InvoiceLineKind.OutputTokens], invoice.Lines.Select(l => l.Kind));
        var requests = invoice.Lines[1];
        Assert.Equal((1000L, 1000L, 0L, 0m), (requests.Quantity, requests.Included, requests.Billable, requests.Amount));
        Assert.All(invoice.Lines.Skip(1), l => Assert.Equal(0m, l.Amount));
        Assert.Equal(10.00m, invoice.Total);
    }

    [Fact]
    public void Calculate_BeyondIncludedUnits_BillsTheOverageAtThePricePerUnit()
    {
        // 3,500 requests: 2,500 beyond 1,000 at 0.50 per 1K = 1.25; 1,100,000 input tokens: 1,000,000 beyond at 2.00 per 1M = 2.00;
        // 350,000 output tokens: 250,000 beyond at 6.00 per 1M = 1.50.
        var invoice = InvoiceCalculator.Calculate(Usd, [Row(3500, 1_100_000, 350_000)]);

        Assert.Equal([10.00m, 1.25m, 2.00m, 1.50m], invoice.Lines.Select(l => l.Amount));
        Assert.Equal([1L, 2500L, 1_000_000L, 250_000L], invoice.Lines.Select(l => l.Billable));
        Assert.Equal(14.75m, invoice.Total);
    }

    [Fact]
    public void Calculate_RoundsEachLineHalfAwayFromZero_AndTotalsTheRoundedLines()
    {
        // 1,010 requests: 10 beyond at 0.50 per 1K = 0.005 -> 0.01 (banker's rounding would give 0.00).
        // 100,003 input tokens: 3 beyond at 2.00 per 1M = 0.000006 -> 0.00. 102,500 output: 2,500 at 6.00 per 1M = 0.015 -> 0.02.
        var invoice = InvoiceCalculator.Calculate(Usd with { MonthlyBaseFee = 0.125m }, [Row(1010, 100_003, 102_500)]);

        Assert.Equal([0.13m, 0.01m, 0.00m, 0.02m], invoice.Lines.Select(l => l.Amount));
        Assert.Equal(0.16m, invoice.Total);
        Assert.Equal(invoice.Lines.Sum(l => l.Amount), invoice.Total);
    }

    [Fact]
    public void Calculate_InAZeroDecimalCurrency_RoundsToWholeUnits()
    {
        var yen = new BillingPrices("JPY", 1000m, 75m, 300m, 900m, 0, 0, 0);

        // 10 requests at 75 per 1K = 0.75 -> 1; 500,000 input tokens at 300 per 1M = 150; 500,000 output at 900 per 1M = 450.
        var invoice = InvoiceCalculator.Calculate(yen, [Row(10, 500_000, 500_000)]);

        Assert.Equal([1000m, 1m, 150m, 450m], invoice.Lines.Select(l => l.Amount));
        Assert.Equal(1601m, invoice.Total);
        Assert.Equal(1601, Currencies.ToMinorUnits(invoice.Total, "JPY"));
        Assert.Equal("1601", Currencies.Format(invoice.Total, "JPY"));
    }

    [Theory]
    [InlineData("USD", 12.345, 1235, "12.35")]
    [InlineData("USD", 0.004, 0, "0.00")]
    [InlineData("KWD", 1.2345, 1235, "1.235")]
    [InlineData("EUR", 2.5, 250, "2.50")]
    public void Currencies_RoundToTheMinorUnit(string currency, double amount, long minor, string formatted)
    {
        Assert.Equal(minor, Currencies.ToMinorUnits((decimal)amount, currency));
        Assert.Equal(formatted, Currencies.Format((decimal)amount, currency));
    }

    [Fact]
    public void Period_IsTheCalendarMonthInUtc()
    {
        var lastMinute = new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero);
        var firstMinute = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal("2026-11", BillingPeriod.Containing(lastMinute).Label);
        Assert.Equal("2026-12", BillingPeriod.Containing(firstMinute).Label);
        Assert.Equal(firstMinute, BillingPeriod.Containing(lastMinute).End);

        // 00:30 on 1 December at UTC+01:00 is still 30 November in UTC.
        Assert.Equal("2026-11", BillingPeriod.Containing(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))).Label);
        Assert.False(BillingPeriod.TryParse("2026-13", out _));
        Assert.False(BillingPeriod.TryParse("2026-1", out _));
    }
}
