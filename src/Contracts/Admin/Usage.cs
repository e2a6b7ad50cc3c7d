namespace InferenceGateway.Contracts.Admin;

/// <summary>
/// <c>GET /api/v1/tenants/{id}/usage</c> as a client reads it: one row per bucket (and per model or credential when
/// grouped), in [from, to).
/// </summary>
public sealed record UsageReportResponse(
    Guid TenantId, DateTimeOffset From, DateTimeOffset To, string Granularity, string? GroupBy,
    IReadOnlyList<long> LatencyBucketUpperBoundsMs, IReadOnlyList<UsageRowResponse> Rows, UsageTotalsResponse Totals);

/// <summary>
/// Tokens include estimated ones; the estimated counts say how many of them were counted by the node's tokenizer.
/// <see cref="WouldHaveBeenLimited"/> counts requests a shadow rate limit would have refused, <see cref="BudgetWouldLimit"/>
/// those a shadow spend budget would have refused: both were served.
/// </summary>
public sealed record UsageRowResponse(
    DateTimeOffset BucketStart, string? Model, string? CredentialId, string? CredentialKind,
    long Requests, long Requests2xx, long Requests3xx, long Requests4xx, long Requests5xx,
    long BytesIn, long BytesOut, long LatencySumMicros, IReadOnlyList<long> LatencyBuckets,
    long InputTokens, long OutputTokens, long EstimatedInputTokens, long EstimatedOutputTokens, long MalformedUsage,
    long WouldHaveBeenLimited = 0, long BudgetWouldLimit = 0);

public sealed record UsageTotalsResponse(long Requests, long InputTokens, long OutputTokens, long EstimatedInputTokens, long EstimatedOutputTokens, long BytesIn, long BytesOut,
    long WouldHaveBeenLimited = 0, long BudgetWouldLimit = 0);

/// <summary><c>GET /api/v1/tenants/{id}/quota</c>: consumption of the plan's monthly quotas in the current calendar month (UTC).</summary>
public sealed record QuotaStatusResponse(
    Guid TenantId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, string Enforcement,
    QuotaLineResponse Requests, QuotaLineResponse InputTokens, QuotaLineResponse OutputTokens);

/// <summary>Limit null means no quota; remaining is never below zero.</summary>
public sealed record QuotaLineResponse(long Consumed, long? Limit, long? Remaining, bool Exceeded);

/// <summary>A file the API answered (CSV or PDF), with the name its Content-Disposition gave.</summary>
public sealed record ApiDocument(string FileName, string ContentType, byte[] Content);
