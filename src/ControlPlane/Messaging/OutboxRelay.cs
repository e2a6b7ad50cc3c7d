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
    IServiceScopeFactory scopes, IBus bus, OutboxSignal signal, IOptions<BusOptions> busOptions, TimeProvider time, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 100;
    private const long AdvisoryLockKey = 0x1697_0001;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await RelayBatchAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, ex.GetType().Name, failures + 1);
                await Task.Delay(Backoff[Math.Min(failures++, Backoff.Length - 1)], stoppingToken);
                continue;
            }

            if (!more)
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Publishes up to one batch; true when more rows may be waiting.</summary>
    private async Task<bool> RelayBatchAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        // PostgreSQL: one replica relays at a time. SQLite (standalone, one process) needs no lock, and an open
        // read transaction there would hold back admin writes while a publish waits.
        await using var transaction = db.IsSqlite ? null : await db.Database.BeginTransactionAsync(stoppingToken);
        if (transaction is not null)
        {
            var locked = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey}) AS \"Value\"").ToListAsync(stoppingToken);
            if (!locked.Single())
            {
                return false;
            }
        }

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

            row.Attempts++;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(busOptions.Value.PublishTimeout);
                var messageId = row.MessageId;
                await bus.Publish(message, type, Pipe.Execute<PublishContext>(c => c.MessageId = messageId), timeout.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                row.LastError = $"{ex.GetType().Name}: publish not confirmed";
                await db.SaveChangesAsync(CancellationToken.None);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(CancellationToken.None);
                }

                throw;
            }

            row.SentAt = time.GetUtcNow();
            row.LastError = null;
            LogPublished(logger, row.MessageType, row.MessageId);
        }

        await db.SaveChangesAsync(stoppingToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(stoppingToken);
        }

        return pending.Count == BatchSize;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Published {MessageType} {MessageId}")]
    private static partial void LogPublished(ILogger logger, string messageType, Guid messageId);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Outbox relay could not publish ({Error}); attempt {Attempt}, retrying")]
    private static partial void LogRelayFailed(ILogger logger, string error, int attempt);

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
