using InferenceGateway.ControlPlane.Data.Usage;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>A tenant's usage over a time range, one row per bucket (and per model or credential when grouped).</summary>
internal sealed record UsageReport(
    Guid TenantId, DateTimeOffset From, DateTimeOffset To, string Granularity, string? GroupBy,
    IReadOnlyList<long> LatencyBucketUpperBoundsMs, IReadOnlyList<UsageRow> Rows, UsageTotals Totals);

internal sealed record UsageRow(
    DateTimeOffset BucketStart, string? Model, string? CredentialId, string? CredentialKind,
    long Requests, long Requests2xx, long Requests3xx, long Requests4xx, long Requests5xx,
    long BytesIn, long BytesOut, long LatencySumMicros, IReadOnlyList<long> LatencyBuckets,
    long InputTokens, long OutputTokens, long EstimatedInputTokens, long EstimatedOutputTokens, long MalformedUsage,
    long WouldHaveBeenLimited = 0,
    long BudgetWouldLimit = 0);

internal sealed record UsageTotals(long Requests, long InputTokens, long OutputTokens, long EstimatedInputTokens, long EstimatedOutputTokens, long BytesIn, long BytesOut,
    long WouldHaveBeenLimited = 0, long BudgetWouldLimit = 0);

/// <summary>A tenant's consumption of its plan's monthly quotas in the current calendar month (UTC).</summary>
internal sealed record QuotaStatus(
    Guid TenantId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, string Enforcement,
    QuotaLine Requests, QuotaLine InputTokens, QuotaLine OutputTokens);

/// <summary>Limit null means no quota; remaining is never below zero.</summary>
internal sealed record QuotaLine(long Consumed, long? Limit, long? Remaining, bool Exceeded);

internal static class UsageRows
{
    public static long[] Buckets(UsageAggregate a) =>
    [
        a.LatencyUpTo25Ms, a.LatencyUpTo50Ms, a.LatencyUpTo100Ms, a.LatencyUpTo250Ms, a.LatencyUpTo500Ms, a.LatencyUpTo1s,
        a.LatencyUpTo2500Ms, a.LatencyUpTo5s, a.LatencyUpTo10s, a.LatencyUpTo30s, a.LatencyUpTo60s, a.LatencyOver60s,
    ];

    public static string Kind(UsageCredentialKind kind) => kind switch
    {
        UsageCredentialKind.ApiKey => "api-key",
        UsageCredentialKind.OAuthClient => "oauth-client",
        _ => "external-jwt",
    };

    /// <summary>Sums rows of one bucket and group into one report row.</summary>
    public static UsageRow Sum(DateTimeOffset bucket, string? model, string? credentialId, string? kind, IReadOnlyCollection<UsageAggregate> rows)
    {
        var buckets = new long[12];
        foreach (var row in rows)
        {
            var b = Buckets(row);
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += b[i];
            }
        }

        return new UsageRow(
            bucket, model, credentialId, kind,
            rows.Sum(r => r.Requests), rows.Sum(r => r.Requests2xx), rows.Sum(r => r.Requests3xx), rows.Sum(r => r.Requests4xx), rows.Sum(r => r.Requests5xx),
            rows.Sum(r => r.BytesIn), rows.Sum(r => r.BytesOut), rows.Sum(r => r.LatencySumMicros), buckets,
            rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens), rows.Sum(r => r.EstimatedInputTokens), rows.Sum(r => r.EstimatedOutputTokens),
            rows.Sum(r => r.MalformedUsage), rows.Sum(r => r.WouldHaveBeenLimited),
            rows.Sum(r => r.BudgetWouldLimit));
    }
}
