using System.Collections.Frozen;
using System.Globalization;

namespace InferenceGateway.Contracts.Admin;

/// <summary>
/// Minor units of ISO 4217 currencies (2 unless listed): one table for the API's rounding and every client's display,
/// so an amount reads the same in the portal, the CSV and the PDF.
/// </summary>
public static class CurrencyMinorUnits
{
    private static readonly FrozenDictionary<string, int> NotTwo = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static int Of(string currency) => NotTwo.GetValueOrDefault(currency, 2);

    /// <summary>An amount the API rounded, with exactly the currency's minor digits, invariant culture.</summary>
    public static string Format(decimal amount, string currency) =>
        Math.Round(amount, Of(currency), MidpointRounding.AwayFromZero).ToString("F" + Of(currency), CultureInfo.InvariantCulture);
}
