using System.Data.Common;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Usage;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>
/// Applies <c>UsageReported</c> batches to the ledger, each exactly once: the batch id is inserted in the same
/// transaction as the aggregate updates, so a second delivery (broker redelivery, a node's journal replay, two
/// replicas consuming at once) finds the id taken and changes nothing. Each cell adds into its minute, hour and day
/// rows with one atomic upsert per row, so concurrent batches never overwrite each other's counts.
/// </summary>
internal sealed partial class UsageLedger(ControlPlaneDbContext db, QuotaPushSignal quotaPush, TimeProvider time, ILogger<UsageLedger> logger)
{
    private static readonly UsageGranularity[] Granularities = [UsageGranularity.Minute, UsageGranularity.Hour, UsageGranularity.Day];

    /// <summary>The counter columns, in the order <see cref="Counters"/> gives their values.</summary>
    private static readonly string[] CounterColumns =
    [
        nameof(UsageAggregate.Requests2xx), nameof(UsageAggregate.Requests3xx), nameof(UsageAggregate.Requests4xx), nameof(UsageAggregate.Requests5xx),
        nameof(UsageAggregate.BytesIn), nameof(UsageAggregate.BytesOut), nameof(UsageAggregate.LatencySumMicros),
        nameof(UsageAggregate.LatencyUpTo25Ms), nameof(UsageAggregate.LatencyUpTo50Ms), nameof(UsageAggregate.LatencyUpTo100Ms),
        nameof(UsageAggregate.LatencyUpTo250Ms), nameof(UsageAggregate.LatencyUpTo500Ms), nameof(UsageAggregate.LatencyUpTo1s),
        nameof(UsageAggregate.LatencyUpTo2500Ms), nameof(UsageAggregate.LatencyUpTo5s), nameof(UsageAggregate.LatencyUpTo10s),
        nameof(UsageAggregate.LatencyUpTo30s), nameof(UsageAggregate.LatencyUpTo60s), nameof(UsageAggregate.LatencyOver60s),
        nameof(UsageAggregate.InputTokens), nameof(UsageAggregate.OutputTokens),
        nameof(UsageAggregate.EstimatedInputTokens), nameof(UsageAggregate.EstimatedOutputTokens), nameof(UsageAggregate.MalformedUsage),
        nameof(UsageAggregate.WouldHaveBeenLimited),
        nameof(UsageAggregate.BudgetWouldLimit),
    ];

    private static readonly string[] KeyColumns =
    [
        nameof(UsageAggregate.TenantId), nameof(UsageAggregate.Granularity), nameof(UsageAggregate.BucketStart),
        nameof(UsageAggregate.Model), nameof(UsageAggregate.CredentialKind), nameof(UsageAggregate.CredentialId),
    ];

    private static readonly string UpsertSql = BuildUpsert();

    /// <summary>Applies the batch unless it was applied before; true when it changed the ledger.</summary>
    public async Task<bool> ApplyAsync(UsageReported batch, CancellationToken cancellationToken)
    {
        var cells = await AcceptedCellsAsync(batch, cancellationToken);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.ProcessedUsageBatches.Add(new ProcessedUsageBatch
        {
            BatchId = batch.BatchId,
            NodeId = batch.NodeId.Length > 100 ? batch.NodeId[..100] : batch.NodeId,
            Requests = cells.Sum(c => c.Requests2xx + c.Requests3xx + c.Requests4xx + c.Requests5xx),
            ProcessedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ProblemExceptionHandler.IsUniqueViolation(ex))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            LogDuplicate(logger, batch.BatchId, batch.NodeId);
            return false;
        }

        var connection = db.Database.GetDbConnection();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = UpsertSql;
            var entity = db.Model.FindEntityType(typeof(UsageAggregate))!;
            foreach (var cell in cells)
            {
                foreach (var granularity in Granularities)
                {
                    Bind(command, entity, cell, granularity, now);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        // The quota pusher reads the ledger right away, so nodes learn the fleet's consumption one batch late at most.
        if (cells.Count > 0)
        {
            quotaPush.Notify();
        }

        return true;
    }

    /// <summary>The cells the ledger takes: of tenants that exist, with sane ids and counts; the rest is logged and dropped.</summary>
    private async Task<List<UsageCell>> AcceptedCellsAsync(UsageReported batch, CancellationToken cancellationToken)
    {
        var tenantIds = batch.Cells.Select(c => c.TenantId).Distinct().ToList();
        var known = (await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken)).ToHashSet();
        var accepted = new List<UsageCell>(batch.Cells.Count);
        var dropped = 0;
        foreach (var cell in batch.Cells)
        {
            if (known.Contains(cell.TenantId) && IsSane(cell))
            {
                accepted.Add(cell);
            }
            else
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            LogDroppedCells(logger, dropped, batch.BatchId, batch.NodeId);
        }

        return accepted;
    }

    private static bool IsSane(UsageCell c) =>
        c.CredentialId is { Length: > 0 and <= 200 } && c.Model is { Length: > 0 and <= 64 } && KindOf(c.CredentialKind) is not null
        && c.LatencyBuckets.Count == UsageLatencyBuckets.Count && Counters(c).All(v => v >= 0);

    internal static UsageCredentialKind? KindOf(string kind) => kind switch
    {
        "api-key" => UsageCredentialKind.ApiKey,
        "oauth-client" => UsageCredentialKind.OAuthClient,
        "external-jwt" => UsageCredentialKind.ExternalJwt,
        _ => null,
    };

    /// <summary>The start of the bucket of <paramref name="at"/>, UTC.</summary>
    internal static DateTimeOffset BucketOf(DateTimeOffset at, UsageGranularity granularity)
    {
        var utc = at.ToUniversalTime();
        return granularity switch
        {
            UsageGranularity.Minute => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero),
            UsageGranularity.Hour => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
        };
    }

    private static IEnumerable<long> Counters(UsageCell c)
    {
        yield return c.Requests2xx;
        yield return c.Requests3xx;
        yield return c.Requests4xx;
        yield return c.Requests5xx;
        yield return c.BytesIn;
        yield return c.BytesOut;
        yield return c.LatencySumMicros;
        foreach (var bucket in c.LatencyBuckets)
        {
            yield return bucket;
        }

        yield return c.InputTokens;
        yield return c.OutputTokens;
        yield return c.EstimatedInputTokens;
        yield return c.EstimatedOutputTokens;
        yield return c.MalformedUsage;
        yield return c.WouldHaveBeenLimited;
        yield return c.BudgetWouldLimit;
    }

    /// <summary>Parameters through the model's own type mappings, so each provider stores values as EF does (SQLite: text ids, integer instants).</summary>
    private static void Bind(DbCommand command, IEntityType entity, UsageCell cell, UsageGranularity granularity, DateTimeOffset now)
    {
        command.Parameters.Clear();
        void Add(string column, object value) =>
            command.Parameters.Add(entity.FindProperty(column)!.GetRelationalTypeMapping().CreateParameter(command, "@" + column, value, nullable: false));

        Add(nameof(UsageAggregate.Id), Guid.CreateVersion7());
        Add(nameof(UsageAggregate.TenantId), cell.TenantId);
        Add(nameof(UsageAggregate.Granularity), granularity);
        Add(nameof(UsageAggregate.BucketStart), BucketOf(cell.Minute, granularity));
        Add(nameof(UsageAggregate.Model), cell.Model);
        Add(nameof(UsageAggregate.CredentialKind), KindOf(cell.CredentialKind)!.Value);
        Add(nameof(UsageAggregate.CredentialId), cell.CredentialId);
        var i = 0;
        foreach (var value in Counters(cell))
        {
            Add(CounterColumns[i++], value);
        }

        Add(nameof(UsageAggregate.UpdatedAt), now);
    }

    /// <summary>One statement both providers run: PostgreSQL and SQLite share INSERT ... ON CONFLICT ... DO UPDATE.</summary>
    private static string BuildUpsert()
    {
        var columns = new[] { nameof(UsageAggregate.Id) }.Concat(KeyColumns).Concat(CounterColumns).Append(nameof(UsageAggregate.UpdatedAt)).ToList();
        var adds = CounterColumns.Select(c => $"\"{c}\" = \"UsageAggregates\".\"{c}\" + excluded.\"{c}\"");
        return $"""
            INSERT INTO "UsageAggregates" ({string.Join(", ", columns.Select(c => $"\"{c}\""))})
            VALUES ({string.Join(", ", columns.Select(c => "@" + c))})
            ON CONFLICT ({string.Join(", ", KeyColumns.Select(c => $"\"{c}\""))})
            DO UPDATE SET {string.Join(", ", adds)}, "UpdatedAt" = excluded."UpdatedAt"
            """;
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Usage batch {BatchId} from node {NodeId} was applied before; ignored")]
    private static partial void LogDuplicate(ILogger logger, Guid batchId, string nodeId);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Count} cells of usage batch {BatchId} from node {NodeId} were dropped (unknown tenant or invalid values)")]
    private static partial void LogDroppedCells(ILogger logger, int count, Guid batchId, string nodeId);
}
