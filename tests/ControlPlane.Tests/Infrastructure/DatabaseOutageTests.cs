using System.Net.Sockets;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InferenceGateway.ControlPlane.Tests.Infrastructure;

/// <summary>Which database failures are an outage (503 with Retry-After) and which keep their own answer.</summary>
public sealed class DatabaseOutageTests
{
    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "wrapped by EF Core", new InvalidOperationException("transient", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))), true },
        { "broken connection on save", new DbUpdateException("save", new NpgsqlException("Exception while reading from stream", new EndOfStreamException())), true },
        { "server shutting down", Postgres("57P01"), true },
        { "server starting", Postgres("57P03"), true },
        { "too many connections", Postgres("53300"), true },
        { "connection failure", Postgres("08006"), true },
        { "sqlite busy", new SqliteException("database is locked", 5), true },
        { "unique violation", new DbUpdateException("save", Postgres("23505")), false },
        { "syntax error (a bug)", Postgres("42601"), false },
        { "sqlite constraint", new SqliteException("constraint", 19), false },
        { "anything else", new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsOutage_TellsUnreachableFromRefused(string what, Exception exception, bool outage) =>
        Assert.True(DatabaseOutage.IsOutage(exception) == outage, $"{what}: expected outage={outage}");

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
