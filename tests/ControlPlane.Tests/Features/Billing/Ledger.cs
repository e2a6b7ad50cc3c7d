using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Features.Billing;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

/// <summary>Writes usage into the ledger the way ingestion does (the minute, hour and day rows of each request together), and backdates tenants.</summary>
internal static class Ledger
{
    public static Task AddUsageAsync(this ControlPlaneApp app, string tenantId, DateTimeOffset at, long requests2xx, long input, long output,
        long requests4xx = 0, long requests5xx = 0, string model = "sample", string credential = "key-1") =>
        app.WithDbAsync(async db =>
        {
            foreach (var (granularity, bucket) in new[]
            {
                (UsageGranularity.Minute, new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero)),
                (UsageGranularity.Hour, new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero)),
                (UsageGranularity.Day, new DateTimeOffset(at.Year, at.Month, at.Day, 0, 0, 0, TimeSpan.Zero)),
            })
            {
                var row = await db.UsageAggregates.FirstOrDefaultAsync(a => a.TenantId == Guid.Parse(tenantId) && a.Granularity == granularity
                    && a.BucketStart == bucket && a.Model == model && a.CredentialKind == UsageCredentialKind.ApiKey && a.CredentialId == credential);
                if (row is null)
                {
                    row = new UsageAggregate
                    {
                        Id = Guid.CreateVersion7(), TenantId = Guid.Parse(tenantId), Granularity = granularity, BucketStart = bucket, Model = model,
                        CredentialKind = UsageCredentialKind.ApiKey, CredentialId = credential, UpdatedAt = at,
                    };
                    db.UsageAggregates.Add(row);
                }

                row.Requests2xx += requests2xx;
                row.Requests4xx += requests4xx;
                row.Requests5xx += requests5xx;
                row.InputTokens += input;
                row.OutputTokens += output;
            }

            return await db.SaveChangesAsync();
        });

    public static Task BackdateTenantAsync(this ControlPlaneApp app, string tenantId, DateTimeOffset createdAt) =>
        app.WithDbAsync(db => db.Tenants.Where(t => t.Id == Guid.Parse(tenantId)).ExecuteUpdateAsync(s => s.SetProperty(t => t.CreatedAt, createdAt)));

    /// <summary>Runs the scheduled close once, with the clock at least an hour into its month so last month is due.</summary>
    public static Task<int> CloseAsync(this ControlPlaneApp app)
    {
        var now = app.Time.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (now - monthStart < TimeSpan.FromHours(1))
        {
            app.Time.Advance(TimeSpan.FromHours(1));
        }

        return app.Services.GetRequiredService<InvoiceCloser>().CloseDueAsync(CancellationToken.None);
    }

    /// <summary>The month <paramref name="monthsBack"/> before the fixture clock's month.</summary>
    public static BillingPeriod Month(this ControlPlaneApp app, int monthsBack)
    {
        var now = app.Time.GetUtcNow();
        return BillingPeriod.Containing(new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-monthsBack));
    }

    /// <summary>A plan with prices: base fee 10.00, 0.50 per 1K requests beyond 1,000, 2.00 / 6.00 per 1M input / output tokens beyond 100,000.</summary>
    public static async Task<(string TenantId, string Slug)> PricedTenantAsync(this HttpClient admin, string currency = "USD")
    {
        var plan = await admin.CreatePlanAsync(name: $"priced-{Guid.NewGuid():N}");
        await admin.PatchAsync($"/api/v1/plans/{plan.Id()}", new
        {
            prices = new
            {
                currency, monthlyBaseFee = 10m, pricePer1KRequests = 0.5m, pricePer1MInputTokens = 2m, pricePer1MOutputTokens = 6m,
                includedRequests = 1000, includedInputTokens = 100_000, includedOutputTokens = 100_000,
            },
        });
        return await admin.CreateTenantAsync(plan.Id());
    }
}
