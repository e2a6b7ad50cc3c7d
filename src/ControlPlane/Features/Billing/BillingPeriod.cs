using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>A calendar month in UTC: [Start, End).</summary>
internal readonly record struct BillingPeriod(int Year, int Month)
{
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset End => Start.AddMonths(1);

    /// <summary><c>yyyy-MM</c>, as in the API's <c>period</c> parameter.</summary>
    public string Label => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public BillingPeriod Next => Containing(End);

    public static BillingPeriod Containing(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new BillingPeriod(utc.Year, utc.Month);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out BillingPeriod? period)
    {
        period = null;
        if (text is { Length: 7 } && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year >= 2000)
        {
            period = new BillingPeriod(d.Year, d.Month);
        }

        return period is not null;
    }

    public override string ToString() => Label;
}
