using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.ExternalIssuers;

/// <summary>
/// An issuer's accepted <c>typ</c> values: validated from the request, stored space-separated in canonical order
/// (<c>at+jwt</c> first), read back as a list for the response and the snapshot.
/// </summary>
internal static class ExternalIssuerTokenTypes
{
    private static readonly string[] Known = [ExternalTokenTypes.AccessToken, ExternalTokenTypes.Jwt];

    /// <summary>The stored form of the requested types (strict when omitted); errors go to <paramref name="errors"/>.</summary>
    public static string Normalize(List<string>? requested, ValidationErrors errors)
    {
        if (requested is null)
        {
            return ExternalTokenTypes.AccessToken;
        }

        var canonical = requested.Select(ExternalTokenTypes.Canonical).ToList();
        if (requested.Count == 0 || canonical.Any(t => t is null) || canonical.Distinct(StringComparer.Ordinal).Count() != canonical.Count)
        {
            errors.Add("acceptedTokenTypes", "Name the accepted token types once each: 'at+jwt' (RFC 9068 access tokens, the default) and/or 'JWT' (the typ many providers put on access tokens).");
            return ExternalTokenTypes.AccessToken;
        }

        return string.Join(' ', Known.Where(canonical.Contains));
    }

    public static IReadOnlyList<string> Parse(string stored) => stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
