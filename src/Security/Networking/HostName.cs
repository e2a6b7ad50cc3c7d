using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace InferenceGateway.Security.Networking;

/// <summary>
/// A URL host reduced to one canonical meaning: either an IP address, whatever spelling it came in (decimal,
/// octal, hex, short forms, fullwidth digits, trailing dots, IPv6 with or without an embedded IPv4 address),
/// or a lowercase ASCII DNS name. Spellings that are neither are refused rather than guessed at, because the
/// resolver that would later read them may guess differently.
/// </summary>
public readonly record struct HostName(string Text, IPAddress? Address)
{
    public bool IsAddress => Address is not null;

    /// <summary>Names that always mean this machine (RFC 6761), whatever a resolver says.</summary>
    public bool IsLocalhostName => Address is null && (Text == "localhost" || Text.EndsWith(".localhost", StringComparison.Ordinal));

    /// <summary>Cloud metadata services reachable by name.</summary>
    public bool IsMetadataName => Address is null && Text is "metadata.google.internal" or "metadata.goog" or "metadata" or "instance-data" or "instance-data.ec2.internal";

    /// <summary>Host text suitable for a URL (IPv6 in brackets).</summary>
    public string UrlText => Address is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{Text}]" : Text;

    public static bool TryParse(string raw, out HostName host, out string? error)
    {
        host = default;
        error = null;
        if (string.IsNullOrEmpty(raw))
        {
            error = "the host is empty";
            return false;
        }

        // Unicode dot look-alikes and compatibility characters (fullwidth digits, for example) fold to ASCII
        // first, as IDNA and most URL parsers do, so they cannot hide an address.
        var text = FoldCompatibilityForms(raw.Replace('\u3002', '.').Replace('\uFF0E', '.').Replace('\uFF61', '.'));
        try
        {
            text = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = "the host contains invalid characters";
            return false;
        }

        if (text.StartsWith('['))
        {
            if (!text.EndsWith(']'))
            {
                error = "the IPv6 address is not closed with ']'";
                return false;
            }

            var inner = text[1..^1];
            if (inner.Contains('%'))
            {
                error = "an IPv6 address with a zone index is not allowed";
                return false;
            }

            if (!IPAddress.TryParse(inner, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = "the IPv6 address is not valid";
                return false;
            }

            host = new HostName(v6.ToString(), v6);
            return true;
        }

        text = text.TrimEnd('.');
        if (text.Length == 0)
        {
            error = "the host is empty";
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '%' or '\\' or '/' or '@' or ':' or '[' or ']' or '?' or '#')
            {
                error = "the host contains invalid characters";
                return false;
            }
        }

        // WHATWG rule: a host whose last label is a number is an IPv4 address or nothing.
        var lastLabel = text[(text.LastIndexOf('.') + 1)..];
        if (LooksNumeric(lastLabel))
        {
            if (!TryParseIPv4(text, out var v4))
            {
                error = "the host looks like an IPv4 address but is not a valid one";
                return false;
            }

            host = new HostName(v4.ToString(), v4);
            return true;
        }

        string ascii;
        try
        {
            ascii = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(text);
        }
        catch (ArgumentException)
        {
            error = "the host name is not a valid DNS name";
            return false;
        }

        if (ascii.Length > 253 || ascii.Split('.').Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-')))
        {
            error = "the host name is not a valid DNS name";
            return false;
        }

        host = new HostName(ascii, null);
        return true;
    }

    /// <summary>
    /// Fullwidth ASCII becomes ASCII and every decimal digit of any script becomes its ASCII digit. Done by hand
    /// because the product runs with invariant globalization, where Unicode normalization is not available.
    /// </summary>
    private static string FoldCompatibilityForms(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0xFF01 and <= 0xFF5E)
            {
                folded.Append((char)(rune.Value - 0xFEE0));
            }
            else if (!rune.IsAscii && Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber)
            {
                folded.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            }
            else
            {
                folded.Append(rune.ToString());
            }
        }

        return folded.ToString();
    }

    private static bool LooksNumeric(string label)
    {
        if (label.Length == 0)
        {
            return false;
        }

        if (label.StartsWith("0x", StringComparison.Ordinal))
        {
            return label[2..].All(char.IsAsciiHexDigit);
        }

        return label.All(char.IsAsciiDigit);
    }

    /// <summary>inet_aton semantics: 1 to 4 parts, each decimal, octal (leading 0) or hex (leading 0x).</summary>
    private static bool TryParseIPv4(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length is < 1 or > 4)
        {
            return false;
        }

        Span<ulong> values = stackalloc ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out values[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 255)
            {
                return false;
            }
        }

        var lastMax = (1UL << (8 * (5 - parts.Length))) - 1;
        if (values[^1] > lastMax)
        {
            return false;
        }

        ulong result = values[^1];
        for (var i = 0; i < parts.Length - 1; i++)
        {
            result |= values[i] << (8 * (3 - i));
        }

        Span<byte> bytes = [(byte)(result >> 24), (byte)(result >> 16), (byte)(result >> 8), (byte)result];
        address = new IPAddress(bytes);
        return true;
    }

    private static bool TryParsePart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0 || part.Length > 32)
        {
            return false;
        }

        if (part.StartsWith("0x", StringComparison.Ordinal))
        {
            var hex = part[2..];
            return hex.Length == 0 || ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (part.Length > 1 && part[0] == '0')
        {
            foreach (var c in part)
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                value = (value * 8) + (ulong)(c - '0');
                if (value > uint.MaxValue)
                {
                    return false;
                }
            }

            return true;
        }

        return part.All(char.IsAsciiDigit) && ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
