using System.Globalization;
using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (IETF draft
/// draft-ietf-httpapi-ratelimit-headers): the tightest of the request's rate limits, on every answer of a limited
/// route. They replace any the upstream sent, which describe the upstream's limits, not the gateway's.
/// </summary>
internal static class RateLimitHeaders
{
    public const string Limit = "RateLimit-Limit";
    public const string Remaining = "RateLimit-Remaining";
    public const string Reset = "RateLimit-Reset";

    // Small numbers as strings made once: writing the headers allocates nothing for them.
    private static readonly string[] Numbers = [.. Enumerable.Range(0, 4097).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    public static void Write(IHeaderDictionary headers, GatewayRequest request)
    {
        ref readonly var decision = ref request.RateLimit;
        if (decision.Limit <= 0)
        {
            return;
        }

        headers[Limit] = Text(decision.Limit);
        headers[Remaining] = Text(Math.Max(0, decision.Remaining));
        headers[Reset] = Text(Math.Max(0, decision.ResetSeconds));
    }

    public static string Text(long value) => (ulong)value < (ulong)Numbers.Length ? Numbers[value] : value.ToString(CultureInfo.InvariantCulture);
}
