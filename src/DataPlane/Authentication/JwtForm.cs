namespace InferenceGateway.DataPlane.Authentication;

/// <summary>How a JWT is told from an API key: three non-empty base64url segments (a JWS compact serialization).</summary>
internal static class JwtForm
{
    public static bool Matches(ReadOnlySpan<char> credential)
    {
        if (credential.Length < 5)
        {
            return false;
        }

        var dots = 0;
        var segment = 0;
        foreach (var c in credential)
        {
            if (c == '.')
            {
                if (segment == 0 && dots < 2)
                {
                    return false;
                }

                dots++;
                segment = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                segment++;
            }
            else
            {
                return false;
            }
        }

        return dots == 2;
    }
}
