using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>Section <c>ControlPlane:Usage</c>: how long the ledger keeps each granularity, and the record of applied batches.</summary>
internal sealed class UsageOptions
{
    public const string Section = "ControlPlane:Usage";

    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan HourRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Day rows are what invoices are built from: keep them at least as long as invoices may be recomputed.</summary>
    public TimeSpan DayRetention { get; set; } = TimeSpan.FromDays(800);

    /// <summary>
    /// Applied batch ids are remembered this long. A node's journal replayed later than this could be counted
    /// twice, so keep it longer than any outage a node would ride out with its journal.
    /// </summary>
    public TimeSpan ProcessedBatchRetention { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The fallback pass of the quota pusher; it also pushes right after each ingested usage batch, which is what
    /// bounds the quota overshoot.
    /// </summary>
    public TimeSpan QuotaPushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The least time between two quota pushes, so a busy fleet does not make a revision per batch (part of the overshoot bound).</summary>
    public TimeSpan QuotaPushMinGap { get; set; } = TimeSpan.FromMilliseconds(200);
}

internal sealed class UsageOptionsValidator : IValidateOptions<UsageOptions>
{
    public ValidateOptionsResult Validate(string? name, UsageOptions options)
    {
        var errors = new List<string>();
        if (options.MinuteRetention < TimeSpan.FromHours(1))
        {
            errors.Add($"{UsageOptions.Section}:MinuteRetention is at least 1 hour.");
        }

        if (options.HourRetention < TimeSpan.FromDays(1))
        {
            errors.Add($"{UsageOptions.Section}:HourRetention is at least 1 day.");
        }

        if (options.DayRetention < TimeSpan.FromDays(62))
        {
            errors.Add($"{UsageOptions.Section}:DayRetention is at least 62 days (a closed month must stay billable).");
        }

        if (options.ProcessedBatchRetention < TimeSpan.FromDays(1))
        {
            errors.Add($"{UsageOptions.Section}:ProcessedBatchRetention is at least 1 day.");
        }

        if (options.QuotaPushInterval < TimeSpan.FromMilliseconds(100) || options.QuotaPushInterval > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{UsageOptions.Section}:QuotaPushInterval is from 100 ms to 5 minutes.");
        }

        if (options.QuotaPushMinGap < TimeSpan.FromMilliseconds(50) || options.QuotaPushMinGap > TimeSpan.FromSeconds(5) || options.QuotaPushMinGap > options.QuotaPushInterval)
        {
            errors.Add($"{UsageOptions.Section}:QuotaPushMinGap is from 50 ms to 5 s, and at most QuotaPushInterval.");
        }

        if (options.PruneInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{UsageOptions.Section}:PruneInterval is at least 1 second.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Deletes ledger rows and applied-batch ids older than their retention, every <see cref="UsageOptions.PruneInterval"/>.</summary>
internal sealed partial class UsageRetention(
    IServiceScopeFactory scopes, IOptions<UsageOptions> options, TimeProvider time, ILogger<UsageRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPruneFailed(logger, ex.GetType().Name);
            }
        }
    }

    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var now = time.GetUtcNow();
        var o = options.Value;
        var deleted = 0;
        foreach (var (granularity, keep) in new[] { (UsageGranularity.Minute, o.MinuteRetention), (UsageGranularity.Hour, o.HourRetention), (UsageGranularity.Day, o.DayRetention) })
        {
            var cutoff = now - keep;
            deleted += await db.UsageAggregates.Where(a => a.Granularity == granularity && a.BucketStart < cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        var batchCutoff = now - o.ProcessedBatchRetention;
        deleted += await db.ProcessedUsageBatches.Where(b => b.ProcessedAt < batchCutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Usage retention deleted {Count} rows")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Usage retention failed ({Error}); retried at the next interval")]
    private static partial void LogPruneFailed(ILogger logger, string error);
}
