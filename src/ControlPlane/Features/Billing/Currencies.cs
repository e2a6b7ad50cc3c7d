namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>The one rounding rule of every invoice amount, to the currency's minor units (<see cref="Contracts.Admin.CurrencyMinorUnits"/>).</summary>
internal static class Currencies
{
    public static int MinorUnits(string currency) => Contracts.Admin.CurrencyMinorUnits.Of(currency);

    /// <summary>Half away from zero to the currency's minor unit: 0.125 USD is 0.13, 0.5 JPY is 1.</summary>
    public static decimal Round(decimal amount, string currency) => Math.Round(amount, MinorUnits(currency), MidpointRounding.AwayFromZero);

    /// <summary>A rounded amount in minor units (cents), as Stripe takes it.</summary>
    public static long ToMinorUnits(decimal amount, string currency)
    {
        var factor = 1m;
        for (var i = 0; i < MinorUnits(currency); i++)
        {
            factor *= 10;
        }

        return decimal.ToInt64(Round(amount, currency) * factor);
    }

    /// <summary>The same value without trailing zeros (a database numeric(18,6) reads back as 10.000000).</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>The amount with exactly the currency's minor digits, invariant culture (CSV, PDF).</summary>
    public static string Format(decimal amount, string currency) =>
        Round(amount, currency).ToString("F" + MinorUnits(currency), System.Globalization.CultureInfo.InvariantCulture);
}
