using InferenceGateway.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>Section <c>ControlPlane:ConfigHistory</c>: how long revision (delta) rows and relayed outbox rows are kept.</summary>
internal sealed class ConfigHistoryOptions
{
    public const string Section = "ControlPlane:ConfigHistory";

    /// <summary>
    /// Revision rows are deleted once every node seen within this time has applied them and they are older than
    /// this; relayed (or skipped) outbox rows once they are older than this. A node further behind pulls a full snapshot.
    /// </summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class ConfigHistoryOptionsValidator : IValidateOptions<ConfigHistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ConfigHistoryOptions options)
    {
        var errors = new List<string>();
        if (options.RetainFor < TimeSpan.Zero)
        {
            errors.Add($"{ConfigHistoryOptions.Section}:RetainFor cannot be negative.");
        }

        if (options.PruneInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{ConfigHistoryOptions.Section}:PruneInterval is at least 1 second.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Deletes configuration history that no node needs any more, every <see cref="ConfigHistoryOptions.PruneInterval"/>.</summary>
internal sealed partial class ConfigHistoryPruner(
    IServiceScopeFactory scopes, IOptions<ConfigHistoryOptions> options, TimeProvider time, ILogger<ConfigHistoryPruner> logger) : BackgroundService
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

    /// <summary>One pass; returns the revision rows and outbox rows deleted.</summary>
    public async Task<(int Revisions, int OutboxRows)> PruneOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var now = time.GetUtcNow();
        var cutoff = now - options.Value.RetainFor;
        var state = await db.ConfigState.AsNoTracking().SingleAsync(cancellationToken);

        // Nodes of this epoch that reported within the retention: the oldest revision any of them holds.
        var oldestHeld = await db.DataPlaneNodes.AsNoTracking()
            .Where(n => n.Epoch == state.Epoch && n.LastSeenAt >= cutoff)
            .Select(n => (long?)n.AppliedRevision)
            .MinAsync(cancellationToken) ?? state.Revision;
        var revisions = await db.ConfigRevisions
            .Where(r => r.Revision <= oldestHeld && r.ChangedAt <= cutoff)
            .ExecuteDeleteAsync(cancellationToken);
        var outbox = await db.OutboxMessages
            .Where(m => (m.SentAt != null && m.SentAt <= cutoff) || (m.SkippedAt != null && m.SkippedAt <= cutoff))
            .ExecuteDeleteAsync(cancellationToken);
        if (revisions + outbox > 0)
        {
            LogPruned(logger, revisions, outbox, oldestHeld);
        }

        return (revisions, outbox);
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Pruned {Revisions} revision rows (up to revision {Revision}, which every node holds) and {Outbox} outbox rows")]
    private static partial void LogPruned(ILogger logger, int revisions, int outbox, long revision);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Pruning configuration history failed ({Error}); trying again later")]
    private static partial void LogPruneFailed(ILogger logger, string error);
}
