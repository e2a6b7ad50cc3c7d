using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Sends the meter's counts as a <c>UsageReported</c> batch every interval. A batch gets its id when it is drained
/// and keeps it; one that cannot be published goes to the journal, and the journal is replayed, oldest first,
/// before anything newer is sent. On shutdown (after the server has drained in-flight requests, and before the bus
/// stops) the last counts go out, or to the journal.
/// </summary>
internal sealed partial class UsageReporter(
    IUsagePublisher bus, UsageMeter meter, UsageJournal journal, IOptions<MeteringOptions> metering, IOptions<DataPlaneOptions> node,
    TimeProvider time, ILogger<UsageReporter> logger) : BackgroundService
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(3);
    private bool _journaling;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (journal.Recover() is > 0 and var cut)
        {
            LogJournalCut(logger, cut);
        }

        _journaling = journal.HasEntries;

        using var timer = new PeriodicTimer(metering.Value.ReportInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReportAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // The server stopped first and drained its requests: these are the node's last counts.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await ReportAsync(last.Token);
    }

    /// <summary>Drains the meter into a batch and delivers it, after anything the journal still holds.</summary>
    internal async Task ReportAsync(CancellationToken cancellationToken)
    {
        var cells = meter.Drain();
        var batch = cells.Count == 0 ? null : new UsageReported
        {
            BatchId = Guid.CreateVersion7(),
            NodeId = node.Value.NodeId,
            CreatedAt = time.GetUtcNow(),
            Cells = cells,
        };

        if (journal.HasEntries && !await ReplayAsync(cancellationToken))
        {
            Journal(batch);
            return;
        }

        if (batch is not null && !await TryPublishAsync(batch, cancellationToken))
        {
            Journal(batch);
        }
    }

    private async Task<bool> ReplayAsync(CancellationToken cancellationToken)
    {
        var batches = journal.ReadAll(out var unreadable);
        if (unreadable > 0)
        {
            LogJournalUnreadable(logger, unreadable, journal.FilePath);
        }

        for (var i = 0; i < batches.Count; i++)
        {
            if (!await TryPublishAsync(batches[i], cancellationToken))
            {
                journal.Rewrite(batches[i..]);
                return false;
            }
        }

        journal.Rewrite([]);
        if (_journaling)
        {
            _journaling = false;
            LogJournalReplayed(logger, batches.Count);
        }

        return true;
    }

    private void Journal(UsageReported? batch)
    {
        if (batch is null)
        {
            return;
        }

        journal.Append(batch);
        if (!_journaling)
        {
            _journaling = true;
            LogJournaling(logger, journal.FilePath);
        }
    }

    private async Task<bool> TryPublishAsync(UsageReported batch, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PublishTimeout);
            await bus.PublishAsync(batch, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(logger, batch.BatchId, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Usage batches cannot be published; keeping them in the journal {Path} until the bus is back")]
    private static partial void LogJournaling(ILogger logger, string path);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "The bus is back: {Count} journaled usage batches published")]
    private static partial void LogJournalReplayed(ILogger logger, int count);

    [LoggerMessage(EventId = 702, Level = LogLevel.Debug, Message = "Usage batch {BatchId} not published ({Error})")]
    private static partial void LogPublishFailed(ILogger logger, Guid batchId, string error);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "The usage journal ended in a half-written line ({Bytes} bytes, from a crash while writing); cut")]
    private static partial void LogJournalCut(ILogger logger, int bytes);

    [LoggerMessage(EventId = 704, Level = LogLevel.Error, Message = "{Count} lines of the usage journal {Path} could not be read and were skipped")]
    private static partial void LogJournalUnreadable(ILogger logger, int count, string path);
}

/// <summary>Where usage batches go: the bus (a seam, so the journal's behaviour can be tested against a failing bus).</summary>
internal interface IUsagePublisher
{
    Task PublishAsync(UsageReported batch, CancellationToken cancellationToken);
}

internal sealed class BusUsagePublisher(MassTransit.IBus bus) : IUsagePublisher
{
    public Task PublishAsync(UsageReported batch, CancellationToken cancellationToken) => bus.Publish(batch, cancellationToken);
}
