using InferenceGateway.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>
/// Which control-plane replica pushes quotas, on PostgreSQL: the one whose session holds the advisory lock
/// <see cref="LockKey"/> on a connection of its own. The others wait for it inside PostgreSQL
/// (<c>pg_advisory_lock</c>), so when the leader's session ends (a crash, a kill, a lost connection) the next
/// replica takes over at once. Every replica ingests usage batches; a replica that does not lead forwards its
/// wake-up to the leader with <c>NOTIFY</c> on <see cref="Channel"/>, which the leader listens to on the same
/// connection. One leader keeps the fleet at one pass per <c>QuotaPushMinGap</c> however many replicas run.
/// </summary>
/// <remarks>
/// The leader's connection names it: <c>application_name</c> is <c>igw-quota-pusher pid=&lt;process id&gt;
/// host=&lt;host&gt;</c>, so <c>pg_locks</c> joined with <c>pg_stat_activity</c> shows which process leads and
/// which ones wait. If a leader lost its session without noticing, two replicas could briefly both lead: their
/// passes still run one at a time under the pass's own lock (<see cref="QuotaPusher.AdvisoryLockKey"/>).
/// </remarks>
internal sealed partial class QuotaPushLeadership(QuotaPushSignal signal, ILogger<QuotaPushLeadership> logger)
{
    internal const long LockKey = 0x1697_0015;
    internal const string Channel = "igw_quota_push";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private int _leading;

    /// <summary>What this replica's lock connection is called in <c>pg_stat_activity</c>.</summary>
    public static string ApplicationName { get; } = Truncate($"igw-quota-pusher pid={Environment.ProcessId} host={Environment.MachineName}", 63);

    public bool IsLeader => Volatile.Read(ref _leading) == 1;

    /// <summary>Until cancelled: waits for the lock, then holds it and listens for wake-ups; after a failure, tries again.</summary>
    public async Task RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = ApplicationName,
            Pooling = false,
            CommandTimeout = 0, // waiting for the lock is the point
            KeepAlive = 10, // a leader whose server went away learns it within seconds, and lets go
        };
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken);
                connection.Notification += (_, _) => signal.Notify();
                await ExecuteAsync(connection, $"LISTEN {Channel}", cancellationToken);
                Volatile.Write(ref _leading, 1);
                failing = false;
                LogLeading(logger, Environment.ProcessId);

                // A pass at once: batches other replicas ingested before this one listened.
                signal.Notify();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (Interlocked.Exchange(ref _leading, 0) == 1)
                {
                    LogLost(logger, ex.GetType().Name);
                }
                else if (!failing)
                {
                    LogWaitFailed(logger, ex.GetType().Name);
                }

                failing = true;
            }
            finally
            {
                Volatile.Write(ref _leading, 0);
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    /// <summary>Wakes the leader (run by a replica that ingested a batch but does not lead).</summary>
    public static async Task ForwardAsync(ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync("SELECT pg_notify('" + Channel + "', '')", cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "This replica (process {ProcessId}) now pushes quota consumption to the nodes")]
    private static partial void LogLeading(ILogger logger, int processId);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "This replica lost the quota push lock ({Error}); another replica takes over, this one waits again")]
    private static partial void LogLost(ILogger logger, string error);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Warning, Message = "Waiting for the quota push lock failed ({Error}); retried every 2 s")]
    private static partial void LogWaitFailed(ILogger logger, string error);
}
