using System.Collections.Frozen;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>Minor units of ISO 4217 currencies (2 unless listed) and the one rounding rule of every invoice amount.</summary>
internal static class Currencies
{
    private static readonly FrozenDictionary<string, int> NotTwo = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static int MinorUnits(string currency) => NotTwo.GetValueOrDefault(currency, 2);

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
