using System.Globalization;

namespace InferenceGateway.Portal.Components.Pages.Billing;

/// <summary>An amount as the API rounded it (its scale kept), with its ISO 4217 code: no culture guesses a symbol or a rounding.</summary>
public static class Money
{
    public static string Format(decimal amount, string currency) => $"{amount.ToString(CultureInfo.InvariantCulture)} {currency}";
}
