using Npgsql;

namespace InferenceGateway.TestSupport;

/// <summary>
/// A database of its own on the PostgreSQL that scripts/services.sh started, for one test class: tests never
/// see each other's rows, whatever order they run in. Dropped on dispose.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public PostgresDatabase(string prefix = "igw_test")
    {
        Name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        ConnectionString = ConnectionStringFor(Name);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string ConnectionStringFor(string database) =>
        $"Host={Env("IGW_PG_HOST", "127.0.0.1")};Port={Env("IGW_PG_PORT", "5432")};Database={database};" +
        $"Username={Env("IGW_PG_USER", "igw")};Password={Env("IGW_PG_PASSWORD", "igw")};Include Error Detail=false";

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException) when (attempt < 5)
            {
                // A background worker (autovacuum) may still hold the database for a moment.
                await Task.Delay(200 * attempt);
            }
        }
    }

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
}
