using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>What a tenant consumed in one quota period: every metered request and every counted token.</summary>
internal readonly record struct Consumed(long Requests, long InputTokens, long OutputTokens);

/// <summary>Quota periods are calendar months in UTC; consumption is read from the ledger's day rows of the period.</summary>
internal static class QuotaConsumption
{
    public static (DateTimeOffset Start, DateTimeOffset End) PeriodOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }

    public static async Task<Dictionary<Guid, Consumed>> ReadAsync(
        ControlPlaneDbContext db, DateTimeOffset periodStart, IReadOnlyCollection<Guid>? tenants, CancellationToken cancellationToken)
    {
        var end = periodStart.AddMonths(1);
        var query = db.UsageAggregates.AsNoTracking()
            .Where(a => a.Granularity == UsageGranularity.Day && a.BucketStart >= periodStart && a.BucketStart < end);
        if (tenants is not null)
        {
            query = query.Where(a => tenants.Contains(a.TenantId));
        }

        var sums = await query
            .GroupBy(a => a.TenantId)
            .Select(g => new
            {
                TenantId = g.Key,
                Requests = g.Sum(a => a.Requests2xx + a.Requests3xx + a.Requests4xx + a.Requests5xx),
                Input = g.Sum(a => a.InputTokens),
                Output = g.Sum(a => a.OutputTokens),
            })
            .ToListAsync(cancellationToken);
        return sums.ToDictionary(s => s.TenantId, s => new Consumed(s.Requests, s.Input, s.Output));
    }
}
