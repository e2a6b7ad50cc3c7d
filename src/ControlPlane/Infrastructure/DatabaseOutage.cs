using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>
/// Tells a database that cannot be reached (stopped, restarting, out of connections, a broken connection) from
/// a database that refused the request: the first is the server's temporary problem, answered 503 with
/// <c>Retry-After</c>; the second is a bug or a client mistake and keeps its own answer.
/// </summary>
internal static class DatabaseOutage
{
    /// <summary>Seconds a client should wait before retrying an admin call during an outage.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool IsOutage(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 08: connection exceptions; 57P01-03: the server is shutting down or starting; 53300: too many connections.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException sqlite:
                    // SQLITE_BUSY and SQLITE_LOCKED: another writer holds the file longer than the busy timeout.
                    return sqlite.SqliteErrorCode is 5 or 6;
                case SocketException:
                    return true;
            }
        }

        return false;
    }
}
