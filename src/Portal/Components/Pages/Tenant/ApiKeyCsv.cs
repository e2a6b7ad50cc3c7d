using System.Globalization;
using System.Text;
using InferenceGateway.Contracts.Admin;

namespace InferenceGateway.Portal.Components.Pages.Tenant;

/// <summary>A batch's keys and secrets as CSV (RFC 4180), made in the portal's memory for the browser to save.</summary>
internal static class ApiKeyCsv
{
    public const string Header = "name,id,prefix,secret,created_at";

    public static string Write(IEnumerable<ApiKeySecretResponse> keys)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var key in keys)
        {
            csv.Append(Cell(key.ApiKey.Name)).Append(',')
                .Append(key.ApiKey.Id.ToString()).Append(',')
                .Append(Cell(key.ApiKey.Prefix)).Append(',')
                .Append(Cell(key.Key)).Append(',')
                .Append(key.ApiKey.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Cell(string value)
    {
        // A spreadsheet runs a cell that starts like a formula; a name chosen by a user must not become one.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
