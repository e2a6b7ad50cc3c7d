namespace InferenceGateway.Security.Networking;

/// <summary>
/// Parses a model endpoint's base URL strictly, by hand, so that what is checked is what will be connected to:
/// http or https only, no user information, no backslashes, no query or fragment, a host in canonical form.
/// </summary>
public static class EndpointUrl
{
    /// <summary>Parses <paramref name="raw"/>; on success gives the canonical URL and its host.</summary>
    public static bool TryParse(string? raw, out Uri? url, out HostName host, List<string> errors)
    {
        url = null;
        host = default;
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors.Add("The URL is required.");
            return false;
        }

        if (raw.Length > 2048)
        {
            errors.Add("The URL is longer than 2048 characters.");
            return false;
        }

        if (raw.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors.Add("The URL must not contain spaces or control characters.");
            return false;
        }

        var schemeEnd = raw.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? raw[..schemeEnd].ToLowerInvariant() : string.Empty;
        if (scheme is not ("http" or "https"))
        {
            errors.Add("Only http and https URLs are allowed.");
            return false;
        }

        var rest = raw[(schemeEnd + 3)..];
        if (rest.Contains('\\'))
        {
            errors.Add("The URL must not contain backslashes.");
        }

        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var pathAndMore = authorityEnd < 0 ? string.Empty : rest[authorityEnd..];

        if (authority.Contains('@'))
        {
            errors.Add("The URL must not contain user information (user:password@).");
        }

        if (pathAndMore.Contains('?') || pathAndMore.Contains('#'))
        {
            errors.Add("The URL must not have a query or a fragment.");
        }

        if (errors.Count > before)
        {
            return false;
        }

        string hostText;
        int? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                errors.Add("The IPv6 address is not closed with ']'.");
                return false;
            }

            hostText = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (after.Length > 0 && !TryPort(after, out port, errors))
            {
                return false;
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            hostText = colon < 0 ? authority : authority[..colon];
            if (colon >= 0 && !TryPort(authority[colon..], out port, errors))
            {
                return false;
            }
        }

        if (!HostName.TryParse(hostText, out host, out var hostError))
        {
            errors.Add($"The host is not valid: {hostError}.");
            return false;
        }

        var path = pathAndMore.TrimEnd('/');
        var portText = port is null ? string.Empty : $":{port}";
        var canonical = $"{scheme}://{host.UrlText}{portText}{path}";
        if (canonical.Length > 2048)
        {
            errors.Add("The URL is longer than 2048 characters in canonical form.");
            return false;
        }

        if (!Uri.TryCreate(canonical, UriKind.Absolute, out url) || !Uri.IsWellFormedUriString(canonical, UriKind.Absolute))
        {
            errors.Add("The URL is not well formed.");
            url = null;
            return false;
        }

        return true;
    }

    private static bool TryPort(string text, out int? port, List<string> errors)
    {
        port = null;
        if (text.Length < 2 || text[0] != ':' || !text[1..].All(char.IsAsciiDigit) || !int.TryParse(text[1..], out var value) || value is < 1 or > 65535)
        {
            errors.Add("The port must be a number from 1 to 65535.");
            return false;
        }

        port = value;
        return true;
    }
}
