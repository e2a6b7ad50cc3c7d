using InferenceGateway.Contracts.Admin;

namespace InferenceGateway.Portal.Components.Pages.Billing;

/// <summary>An amount with its ISO 4217 code and exactly the currency's minor digits, as the API's CSV and PDF print it.</summary>
public static class Money
{
    public static string Format(decimal amount, string currency) => $"{CurrencyMinorUnits.Format(amount, currency)} {currency}";

    /// <summary>A unit price keeps its own digits (a price per 1,000,000 tokens may have more than the currency's minor unit).</summary>
    public static string Price(decimal price, string currency) =>
        $"{(decimal.Round(price, CurrencyMinorUnits.Of(currency)) == price ? CurrencyMinorUnits.Format(price, currency) : price.ToString(System.Globalization.CultureInfo.InvariantCulture))} {currency}";
}
