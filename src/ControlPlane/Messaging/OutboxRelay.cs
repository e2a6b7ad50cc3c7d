using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>
/// Publishes outbox rows in order, with publisher confirms and a timeout per publish, and marks them sent.
/// While the broker is down it keeps the rows and retries with backoff; admin calls never wait for it.
/// Among control-plane replicas, one relays at a time (a PostgreSQL advisory lock), which keeps the order.
/// </summary>
internal sealed partial class OutboxRelay(
    IServiceScopeFactory scopes, IBus bus, OutboxSignal signal, IOptions<BusOptions> busOptions, TimeProvider time, PropagationTimeline timeline, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 100;
    private const long AdvisoryLockKey = 0x1697_0001;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];
    private AsyncServiceScope? _lease;

    // The id of the newest outbox row this relay has dealt with while holding the lease, when every row up to it has
    // been published or skipped (-1: not known; the next batch reads the outbox).
    private long _lastRowId = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await RelayBatchAsync(stoppingToken);
                if (failures > 0)
                {
                    LogRelayRecovered(logger, failures);
                }

                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A broken connection (a database outage) or a failed publish: start the next attempt afresh.
                await ReleaseLeaseAsync();

                // One warning per outage, not one per retry.
                if (failures == 0)
                {
                    LogRelayFailed(logger, ex.GetType().Name);
                }
                else
                {
                    LogRelayStillFailing(logger, ex.GetType().Name, failures + 1);
                }

                await Task.Delay(Backoff[Math.Min(failures++, Backoff.Length - 1)], stoppingToken);
                continue;
            }

            if (!more)
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ReleaseLeaseAsync();
    }

    /// <summary>Publishes up to one batch; true when more rows may be waiting.</summary>
    private async Task<bool> RelayBatchAsync(CancellationToken stoppingToken)
    {
        if (await LeaseAsync(stoppingToken) is not { } db)
        {
            // Another replica relays; it reads the rows this one committed.
            signal.DiscardCommitted();
            return false;
        }

        if (await PublishHandedAsync(db, stoppingToken))
        {
            return signal.HasCommitted;
        }

        // The fast path of a revocation: one read, the publish, then the bookkeeping (one update), on a connection
        // that already holds the lock; no transaction, no new context per batch.
        db.ChangeTracker.Clear();
        var woken = timeline.Enabled ? PropagationTimeline.Now() : 0;
        var pending = await db.OutboxMessages.Where(m => m.SentAt == null && m.SkippedAt == null).OrderBy(m => m.Id).Take(BatchSize).ToListAsync(stoppingToken);
        foreach (var row in pending)
        {
            if (Read(row) is not (var type, var message))
            {
                // A row this version cannot read (written by a newer version, or damaged): holding it back would
                // stop every later change, so it is marked skipped, logged, and listed in the config view.
                row.SkippedAt = time.GetUtcNow();
                LogSkipped(logger, row.Id, row.MessageType, row.LastError ?? "unreadable");
                continue;
            }

            var revision = (message as ConfigRevisionPublished)?.Revision ?? -1;
            if (revision >= 0 && timeline.Enabled)
            {
                timeline.Record(PropagationPoint.RelayWoken, revision, woken);
                timeline.Record(PropagationPoint.RelayRead, revision);
            }

            LogPicked(logger, row.MessageType, revision);
            row.Attempts++;
            try
            {
                await PublishAsync(message, type, row.MessageId, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                row.LastError = $"{ex.GetType().Name}: publish not confirmed";
                await db.SaveChangesAsync(CancellationToken.None);
                throw;
            }

            if (revision >= 0)
            {
                timeline.Record(PropagationPoint.RelayConfirmed, revision);
            }

            row.SentAt = time.GetUtcNow();
            row.LastError = null;
            LogPublished(logger, row.MessageType, row.MessageId, revision);
        }

        await db.SaveChangesAsync(stoppingToken);
        if (pending.Count > 0)
        {
            _lastRowId = pending[^1].Id;
        }

        return pending.Count == BatchSize;
    }

    /// <summary>
    /// The fast path: rows this process committed, published from memory without reading them back, while each is
    /// the row right after the last one dealt with (ids follow commit order: every revision's row is inserted under the
    /// revision row's lock), so exactly the row a read would return. Anything else (a gap: another replica's commit, a
    /// rolled-back insert, the relay restarted) leaves it to the read, which finds the row in the outbox. False when
    /// nothing was published this way.
    /// </summary>
    private async Task<bool> PublishHandedAsync(ControlPlaneDbContext db, CancellationToken stoppingToken)
    {
        var woken = timeline.Enabled ? PropagationTimeline.Now() : 0;
        var published = false;
        while (_lastRowId >= 0 && signal.TryTakeCommitted(out var row))
        {
            if (row.Id <= _lastRowId)
            {
                // Already published by a read that ran between this row's commit and its hand-off.
                continue;
            }

            if (row.Id != _lastRowId + 1)
            {
                break;
            }

            var revision = row.Message.Revision;
            timeline.Record(PropagationPoint.RelayWoken, revision, woken);
            timeline.Record(PropagationPoint.RelayRead, revision);
            LogPicked(logger, nameof(ConfigRevisionPublished), revision);
            var rows = db.OutboxMessages.Where(m => m.Id == row.Id);
            try
            {
                await PublishAsync(row.Message, typeof(ConfigRevisionPublished), row.MessageId, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var error = $"{ex.GetType().Name}: publish not confirmed";
                await rows.ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, error), CancellationToken.None);
                throw;
            }

            timeline.Record(PropagationPoint.RelayConfirmed, revision);
            var sentAt = time.GetUtcNow();
            await rows.ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, sentAt).SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, (string?)null), stoppingToken);
            _lastRowId = row.Id;
            published = true;
            LogPublished(logger, nameof(ConfigRevisionPublished), row.MessageId, revision);
        }

        return published;
    }

    private async Task PublishAsync(object message, Type type, Guid messageId, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(busOptions.Value.PublishTimeout);
        await bus.Publish(message, type, Pipe.Execute<PublishContext>(c => c.MessageId = messageId), timeout.Token);
    }

    /// <summary>
    /// The relay's own database context on an open connection, kept from batch to batch. On PostgreSQL that
    /// connection holds a session advisory lock, so one replica relays at a time (the lock goes with the connection
    /// if the process or the connection dies); null while another replica holds it. SQLite (standalone, one
    /// process) needs no lock.
    /// </summary>
    private async Task<ControlPlaneDbContext?> LeaseAsync(CancellationToken stoppingToken)
    {
        if (_lease is { } held)
        {
            return held.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        }

        var scope = scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            await db.Database.OpenConnectionAsync(stoppingToken);
            if (!db.IsSqlite)
            {
                var locked = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_lock({AdvisoryLockKey}) AS \"Value\"").ToListAsync(stoppingToken);
                if (!locked.Single())
                {
                    await scope.DisposeAsync();
                    return null;
                }
            }

            _lease = scope;
            return db;
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gives the connection (and with it the lock) back: after a failure, and when stopping.</summary>
    private async Task ReleaseLeaseAsync()
    {
        // Whoever relays next starts by reading the outbox.
        _lastRowId = -1;
        if (_lease is not { } held)
        {
            return;
        }

        _lease = null;
        var db = held.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        if (!db.IsSqlite)
        {
            // The pool resets a connection's session state only when it hands it out again, so an idle pooled
            // connection would keep the lock: unlock now, or (connection broken) keep it out of the pool.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await db.Database.SqlQueryRaw<bool>($"SELECT pg_advisory_unlock({AdvisoryLockKey}) AS \"Value\"").ToListAsync(timeout.Token);
            }
            catch (Exception)
            {
                Npgsql.NpgsqlConnection.ClearPool((Npgsql.NpgsqlConnection)db.Database.GetDbConnection());
            }
        }

        await held.DisposeAsync();
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Published {MessageType} {MessageId} revision {Revision}")]
    private static partial void LogPublished(ILogger logger, string messageType, Guid messageId, long revision);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Relaying {MessageType} revision {Revision}")]
    private static partial void LogPicked(ILogger logger, string messageType, long revision);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Outbox relay cannot publish ({Error}); the changes stay in the outbox and are retried until the broker confirms them")]
    private static partial void LogRelayFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Outbox relay attempt {Attempt} failed ({Error})")]
    private static partial void LogRelayStillFailing(ILogger logger, string error, int attempt);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Outbox relay publishing again after {Attempts} failed attempts")]
    private static partial void LogRelayRecovered(ILogger logger, int attempts);

    /// <summary>The row's contract type and message, or null (with the reason in the row) when it cannot be read.</summary>
    private static (Type Type, object Message)? Read(OutboxMessage row)
    {
        if (OutboxMessageFactory.ResolveType(row.MessageType) is not { } type)
        {
            row.LastError = "unknown message type";
            return null;
        }

        try
        {
            if (JsonSerializer.Deserialize(row.Payload, type, ContractJson.Options) is { } message)
            {
                return (type, message);
            }
        }
        catch (JsonException)
        {
        }

        row.LastError = "the payload is not valid JSON for its message type";
        return null;
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Outbox row {Id} ({MessageType}) cannot be read ({Reason}); skipped it and went on")]
    private static partial void LogSkipped(ILogger logger, long id, string messageType, string reason);
}
