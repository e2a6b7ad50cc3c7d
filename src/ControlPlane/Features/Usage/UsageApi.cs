using System.Globalization;
using System.Text;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>A tenant's usage from the ledger (JSON, or CSV with <c>Accept: text/csv</c>) and its quota status.</summary>
internal static class UsageApi
{
    /// <summary>The widest range one request may ask for, per granularity: responses stay bounded.</summary>
    private static readonly Dictionary<UsageGranularity, TimeSpan> MaxRange = new()
    {
        [UsageGranularity.Minute] = TimeSpan.FromDays(1),
        [UsageGranularity.Hour] = TimeSpan.FromDays(93),
        [UsageGranularity.Day] = TimeSpan.FromDays(800),
    };

    public static RouteGroupBuilder MapUsageApi(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/usage", GetUsageAsync).WithTags("Usage").WithName("GetTenantUsage")
            .WithSummary("The tenant's metered usage in [from, to) by minute, hour or day, optionally per model or credential; JSON, or CSV with Accept: text/csv.")
            .Produces<UsageReport>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AllowTenantRoles(Roles.TenantAdmin, Roles.Developer, Roles.Finance);
        tenant.MapGet("/quota", GetQuotaAsync).WithTags("Usage").WithName("GetTenantQuota")
            .WithSummary("The tenant's consumption of its plan's monthly quotas (calendar month, UTC): consumed, limit and remaining.")
            .AllowTenantRoles(Roles.TenantAdmin, Roles.Developer, Roles.Finance);
        return tenant;
    }

    private static async Task<Results<Ok<UsageReport>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetUsageAsync(
        Guid tenantId, HttpContext http, ControlPlaneDbContext db, TimeProvider time,
        DateTimeOffset? from, DateTimeOffset? to, string? granularity, string? groupBy, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var grain = UsageGranularity.Day;
        if (granularity is not null && !TryParseGranularity(granularity, out grain))
        {
            errors.Add("granularity", "granularity is minute, hour or day.");
        }

        if (groupBy is not null and not ("model" or "credential"))
        {
            errors.Add("groupBy", "groupBy is model or credential.");
        }

        var end = (to ?? time.GetUtcNow()).ToUniversalTime();
        var start = (from ?? end - (grain == UsageGranularity.Minute ? TimeSpan.FromHours(1) : TimeSpan.FromDays(30))).ToUniversalTime();
        if (start >= end)
        {
            errors.Add("to", "'to' must be later than 'from'.");
        }
        else if (!errors.Any && end - start > MaxRange[grain])
        {
            errors.Add("from", $"At {granularity ?? "day"} granularity one request covers at most {MaxRange[grain].TotalDays:0} days.");
        }

        if (errors.Any)
        {
            return (ValidationProblem)errors.ToResult();
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No tenant with that id exists.");
        }

        // A bucket is in the range when it starts in it.
        var first = UsageLedger.BucketOf(start, grain);
        if (first < start)
        {
            first = grain switch { UsageGranularity.Minute => first.AddMinutes(1), UsageGranularity.Hour => first.AddHours(1), _ => first.AddDays(1) };
        }

        var rows = await db.UsageAggregates.AsNoTracking()
            .Where(a => a.TenantId == tenantId && a.Granularity == grain && a.BucketStart >= first && a.BucketStart < end)
            .ToListAsync(ct);
        var grouped = rows
            .GroupBy(a => (a.BucketStart, Model: groupBy == "model" ? a.Model : null, Credential: groupBy == "credential" ? a.CredentialId : null,
                Kind: groupBy == "credential" ? UsageRows.Kind(a.CredentialKind) : null))
            .Select(g => UsageRows.Sum(g.Key.BucketStart, g.Key.Model, g.Key.Credential, g.Key.Kind, g.ToList()))
            .OrderBy(r => r.BucketStart).ThenBy(r => r.Model, StringComparer.Ordinal).ThenBy(r => r.CredentialId, StringComparer.Ordinal)
            .ToList();
        var totals = new UsageTotals(
            grouped.Sum(r => r.Requests), grouped.Sum(r => r.InputTokens), grouped.Sum(r => r.OutputTokens),
            grouped.Sum(r => r.EstimatedInputTokens), grouped.Sum(r => r.EstimatedOutputTokens), grouped.Sum(r => r.BytesIn), grouped.Sum(r => r.BytesOut),
            grouped.Sum(r => r.WouldHaveBeenLimited), grouped.Sum(r => r.BudgetWouldLimit));
        var report = new UsageReport(tenantId, start, end, grain.ToString().ToLowerInvariant(), groupBy, UsageLatencyBuckets.UpperBoundsMs, grouped, totals);
        if (WantsCsv(http.Request))
        {
            return TypedResults.File(Encoding.UTF8.GetBytes(ToCsv(report)), "text/csv; charset=utf-8", $"usage-{tenantId}-{report.Granularity}.csv");
        }

        return TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<QuotaStatus>, ProblemHttpResult>> GetQuotaAsync(Guid tenantId, ControlPlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        var plan = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Plan).FirstOrDefaultAsync(ct);
        if (plan is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No tenant with that id exists.");
        }

        var (start, end) = QuotaConsumption.PeriodOf(time.GetUtcNow());
        var consumed = (await QuotaConsumption.ReadAsync(db, start, [tenantId], ct)).GetValueOrDefault(tenantId);
        return TypedResults.Ok(new QuotaStatus(
            tenantId, start, end, plan.QuotaEnforcement.ToString().ToLowerInvariant(),
            Line(consumed.Requests, plan.MonthlyRequestQuota), Line(consumed.InputTokens, plan.MonthlyInputTokenQuota), Line(consumed.OutputTokens, plan.MonthlyOutputTokenQuota)));
    }

    internal static QuotaLine Line(long consumed, long? limit) =>
        new(consumed, limit, limit is { } l ? Math.Max(0, l - consumed) : null, limit is { } max && consumed >= max);

    private static bool TryParseGranularity(string text, out UsageGranularity granularity)
    {
        granularity = text switch { "minute" => UsageGranularity.Minute, "hour" => UsageGranularity.Hour, "day" => UsageGranularity.Day, _ => (UsageGranularity)(-1) };
        return (int)granularity >= 0;
    }

    private static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    internal static string ToCsv(UsageReport report)
    {
        var csv = new StringBuilder();
        csv.Append("bucket_start,model,credential_id,credential_kind,requests,requests_2xx,requests_3xx,requests_4xx,requests_5xx,bytes_in,bytes_out,latency_sum_us,");
        csv.Append(string.Join(',', report.LatencyBucketUpperBoundsMs.Select(b => $"latency_le_{b}ms").Append("latency_over_60000ms")));
        csv.Append(",input_tokens,output_tokens,estimated_input_tokens,estimated_output_tokens,malformed_usage,would_have_been_limited,budget_would_limit\n");
        foreach (var r in report.Rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.BucketStart.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{Field(r.Model)},{Field(r.CredentialId)},{Field(r.CredentialKind)},");
            csv.Append(CultureInfo.InvariantCulture, $"{r.Requests},{r.Requests2xx},{r.Requests3xx},{r.Requests4xx},{r.Requests5xx},{r.BytesIn},{r.BytesOut},{r.LatencySumMicros},");
            csv.Append(string.Join(',', r.LatencyBuckets.Select(b => b.ToString(CultureInfo.InvariantCulture))));
            csv.Append(CultureInfo.InvariantCulture, $",{r.InputTokens},{r.OutputTokens},{r.EstimatedInputTokens},{r.EstimatedOutputTokens},{r.MalformedUsage},{r.WouldHaveBeenLimited},{r.BudgetWouldLimit}\n");
        }

        return csv.ToString();
    }

    /// <summary>A CSV field, quoted when needed; a leading formula character is defused for spreadsheets.</summary>
    private static string Field(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
