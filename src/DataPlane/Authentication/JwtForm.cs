using System.Buffers;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// How a JWT is told from an API key: three base64url segments (a JWS compact serialization), the first two
/// non-empty. Run on every request that carries a token (600 characters and more): vectorized searches, not a loop
/// per character.
/// </summary>
internal static class JwtForm
{
    private static readonly SearchValues<char> Base64UrlOrDot = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    public static bool Matches(ReadOnlySpan<char> credential)
    {
        if (credential.Length < 5 || credential.ContainsAnyExcept(Base64UrlOrDot))
        {
            return false;
        }

        var header = credential.IndexOf('.');
        if (header <= 0)
        {
            return false;
        }

        var rest = credential[(header + 1)..];
        var payload = rest.IndexOf('.');

        // The signature may be empty (an unsigned token still counts as one, and is refused as one).
        return payload > 0 && !rest[(payload + 1)..].Contains('.');
    }
}
