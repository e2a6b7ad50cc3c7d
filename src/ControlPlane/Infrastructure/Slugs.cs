using System.Text.RegularExpressions;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>The rules for names that appear in gateway URLs.</summary>
internal static partial class Slugs
{
    public const string TenantRule = "3 to 40 characters: lowercase letters, digits and '-'.";

    public const string ModelRule = "1 to 64 characters: lowercase letters, digits, '-', '_' and '.', starting with a letter or digit, without '..'.";

    public static bool IsTenantSlug(string? value) => value is not null && TenantRegex().IsMatch(value);

    public static bool IsModelSlug(string? value) => value is not null && ModelRegex().IsMatch(value) && !value.Contains("..", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9-]{3,40}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantRegex();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelRegex();
}
