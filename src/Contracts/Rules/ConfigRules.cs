namespace InferenceGateway.Contracts.Rules;

/// <summary>
/// The rules both sides check: the admin API when a value comes in, the compiler when it builds a snapshot, and
/// every node when it applies one. One definition, so the three cannot drift apart.
/// </summary>
public static class ConfigRules
{
    public const string TenantSlugRule = "3 to 40 characters: lowercase letters, digits and '-'.";

    public const string ModelSlugRule = "1 to 64 characters: lowercase letters, digits, '-', '_' and '.', starting with a letter or digit, without '..'.";

    public const double MinRate = 0.001;

    public const double MaxRate = 1_000_000;

    public const int MinBurst = 1;

    public const int MaxBurst = 1_000_000;

    /// <summary>The hard upper bound for a plan's request body: nodes buffer bodies whole.</summary>
    public const long MaxBodyBytesCeiling = 256L * 1024 * 1024;

    public const int MinTimeoutSeconds = 1;

    /// <summary>The longest an upstream may stay silent before the node answers 504.</summary>
    public const int MaxTimeoutSeconds = 600;

    public static bool IsTenantSlug(ReadOnlySpan<char> value)
    {
        if (value.Length is < 3 or > 40)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsModelSlug(ReadOnlySpan<char> value)
    {
        if (value.Length is < 1 or > 64 || !(char.IsAsciiLetterLower(value[0]) || char.IsAsciiDigit(value[0])) || value.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsRate(double value) => double.IsFinite(value) && value >= MinRate && value <= MaxRate;

    public static bool IsBurst(int value) => value is >= MinBurst and <= MaxBurst;

    public static bool IsBodyLimit(long value) => value is >= 1 and <= MaxBodyBytesCeiling;

    public static bool IsTimeout(int seconds) => seconds is >= MinTimeoutSeconds and <= MaxTimeoutSeconds;

    /// <summary>Whether the limits a node enforces for a plan are all within bounds.</summary>
    public static bool IsPlanServable(double ratePerKey, int burstPerKey, double ratePerTenant, int burstPerTenant, long maxBodyBytes) =>
        IsRate(ratePerKey) && IsBurst(burstPerKey) && IsRate(ratePerTenant) && IsBurst(burstPerTenant) && IsBodyLimit(maxBodyBytes);
}
