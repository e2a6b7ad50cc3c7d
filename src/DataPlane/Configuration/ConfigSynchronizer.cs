using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Keeps the node's configuration current. At start it serves the disk snapshot if it has one, then pulls from
/// the control plane; afterwards it pulls whenever asked (a revision gap, a full revision, a bus reconnect) and
/// every poll interval, which also catches anything the bus lost. While the control plane is unreachable it
/// retries with backoff and the node keeps serving what it has.
/// </summary>
internal sealed partial class ConfigSynchronizer(
    NodeConfig config, SnapshotClient client, LastKnownGoodStore disk, IOptions<DataPlaneOptions> options, ILogger<ConfigSynchronizer> logger)
    : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];
    private static readonly TimeSpan PullTimeout = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _pullRequested = new(0, 1);
    private int _failures;

    /// <summary>Asks for a pull as soon as possible; many requests before it runs make one pull.</summary>
    public void RequestPull()
    {
        try
        {
            _pullRequested.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.Current is null)
        {
            LoadFromDisk();
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                await SyncOnceAsync(stoppingToken);
                if (_failures > 0)
                {
                    LogReconnected(logger, _failures);
                }

                _failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong, the node keeps serving what it has and tries again.
                if (ex is NodeIdInUseException)
                {
                    // Logged before it is recorded: whoever sees the failure in the state finds the line in the log too.
                    LogNodeIdInUse(logger, options.Value.NodeId);
                    config.RecordFailure(ex.Message);
                }
                else if (ex is not (HttpRequestException or SnapshotPullException or OperationCanceledException))
                {
                    config.RecordFailure(ex is JsonException
                        ? "the control plane sent a configuration this node cannot read"
                        : $"the configuration could not be applied ({ex.GetType().Name})");
                }

                if (_failures++ == 0)
                {
                    LogPullFailed(logger, ex.GetType().Name, config.Revision);
                }

                var backoff = Backoff[Math.Min(_failures - 1, Backoff.Length - 1)];
                wait = backoff < wait ? backoff : wait;
            }

            await _pullRequested.WaitAsync(wait, stoppingToken);
        }
    }

    private async Task SyncOnceAsync(CancellationToken stoppingToken)
    {
        // A pull that stalls after its headers (a half-open connection) must not stop synchronisation for good.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(PullTimeout);
        var cancellationToken = timeout.Token;
        if (config.Current is not { } held)
        {
            await PullFullAsync(cancellationToken);
            return;
        }

        // The node says which epoch and content it holds: another epoch, a revision above the control plane's or
        // other content at the same revision gets the full snapshot, which replaces the state.
        var update = await client.GetSinceAsync(held.Revision, held.Epoch, held.ContentHash, cancellationToken);
        if (update.Kind == ConfigChangeKind.Full)
        {
            if (update.Snapshot is { } snapshot)
            {
                config.ApplySnapshot(snapshot, "control plane");
            }
            else
            {
                await PullFullAsync(cancellationToken);
            }

            return;
        }

        if (update.Epoch == held.Epoch && update.Revision <= held.Revision)
        {
            return;
        }

        var outcome = config.ApplyDelta(update.Epoch, update.FromRevision ?? -1, update.Revision, update.Changes, "control plane");
        if (outcome == ApplyOutcome.Gap && config.Current is { } moved && moved.Epoch == held.Epoch && moved.Revision > held.Revision)
        {
            // The bus moved the node on while the answer was on its way: ask again from where it is now.
            update = await client.GetSinceAsync(moved.Revision, moved.Epoch, moved.ContentHash, cancellationToken);
            outcome = update.Kind == ConfigChangeKind.Delta && !(update.Epoch == moved.Epoch && update.Revision <= moved.Revision)
                ? config.ApplyDelta(update.Epoch, update.FromRevision ?? -1, update.Revision, update.Changes, "control plane")
                : update.Kind == ConfigChangeKind.Delta ? ApplyOutcome.AlreadyCurrent : ApplyOutcome.Gap;
        }

        if (outcome is ApplyOutcome.Gap or ApplyOutcome.Rejected)
        {
            // Deltas did not fit; the full snapshot always does.
            await PullFullAsync(cancellationToken);
        }
    }

    /// <summary>The full snapshot in its compact form, parsed as it arrives straight into the new state.</summary>
    private async Task PullFullAsync(CancellationToken cancellationToken)
    {
        var asked = config.Current is { } held ? held.Revision : (long?)null;
        using var pulled = await client.GetFullAsync(cancellationToken);
        config.ApplySnapshot(pulled.Reader.Header, ReadKeys(pulled.Reader), "control plane", heldAtRequest: asked);
    }

    private void LoadFromDisk()
    {
        try
        {
            using var stored = disk.TryLoad();
            if (stored is not null)
            {
                config.ApplySnapshot(stored.Header, ReadKeys(stored), "disk", authoritative: false, trustedSum: stored.Sum);
            }
        }
        catch (InvalidDataException ex)
        {
            // The file decrypted but is not a snapshot this version reads: start empty and pull.
            config.RecordFailure($"the last-known-good file cannot be read ({ex.Message})");
        }
    }

    private static IEnumerable<CompactKey> ReadKeys(CompactSnapshot.Reader reader)
    {
        while (reader.TryRead(out var key))
        {
            yield return key;
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Cannot pull configuration from the control plane ({Error}); serving revision {Revision} and retrying")]
    private static partial void LogPullFailed(ILogger logger, string error, long revision);

    [LoggerMessage(EventId = 122, Level = LogLevel.Error, Message = "The control plane refused this process: another live node process uses the node id {NodeId}; give each node its own DataPlane:NodeId")]
    private static partial void LogNodeIdInUse(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "Reached the control plane again after {Failures} failed pulls")]
    private static partial void LogReconnected(ILogger logger, int failures);
}
