using System.Globalization;
using InferenceGateway.Contracts.Admin;

namespace InferenceGateway.Portal.Components.Pages.Billing;

/// <summary>What the usage page draws from the API's reports: a series per model over the buckets, and sums per model or credential.</summary>
public static class UsageView
{
    public const string Requests = "requests";
    public const string InputTokens = "inputTokens";
    public const string OutputTokens = "outputTokens";

    public sealed record Point(string Bucket, long Value);

    public sealed record Series(string Model, IReadOnlyList<Point> Points);

    public sealed record Sum(string Key, string? Kind, long Requests, long Errors, long InputTokens, long OutputTokens, long EstimatedTokens, long WouldHaveBeenLimited);

    public static long Value(UsageRowResponse row, string metric) => metric switch
    {
        InputTokens => row.InputTokens,
        OutputTokens => row.OutputTokens,
        _ => row.Requests,
    };

    public static string Label(DateTimeOffset bucket, string granularity) => bucket.UtcDateTime.ToString(
        granularity switch { "minute" => "yyyy-MM-dd HH:mm", "hour" => "yyyy-MM-dd HH:00", _ => "yyyy-MM-dd" }, CultureInfo.InvariantCulture);

    /// <summary>One series per model, each with a point for every bucket of the report (zero where the model had none), so stacks line up.</summary>
    public static IReadOnlyList<Series> ByModel(UsageReportResponse report, string metric)
    {
        var buckets = report.Rows.Select(r => r.BucketStart).Distinct().Order().ToList();
        return report.Rows.GroupBy(r => r.Model ?? "(none)", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var values = g.GroupBy(r => r.BucketStart).ToDictionary(b => b.Key, b => b.Sum(r => Value(r, metric)));
                return new Series(g.Key, buckets.Select(b => new Point(Label(b, report.Granularity), values.GetValueOrDefault(b))).ToList());
            })
            .ToList();
    }

    /// <summary>Sums over the whole range per model (<paramref name="byCredential"/> false) or per credential.</summary>
    public static IReadOnlyList<Sum> Totals(UsageReportResponse report, bool byCredential) =>
        report.Rows.GroupBy(r => (Key: (byCredential ? r.CredentialId : r.Model) ?? "(none)", Kind: byCredential ? r.CredentialKind : null))
            .Select(g => new Sum(
                g.Key.Key, g.Key.Kind, g.Sum(r => r.Requests), g.Sum(r => r.Requests4xx + r.Requests5xx), g.Sum(r => r.InputTokens), g.Sum(r => r.OutputTokens),
                g.Sum(r => r.EstimatedInputTokens + r.EstimatedOutputTokens), g.Sum(r => r.WouldHaveBeenLimited + r.BudgetWouldLimit)))
            .OrderByDescending(s => s.Requests).ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>A picked day as the start of that day in UTC; the "to" day is included, so it ends at the next midnight.</summary>
    public static DateTimeOffset? Start(DateOnly? day, bool inclusiveEnd = false) =>
        day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(inclusiveEnd ? 1 : 0) : null;
}
