using InferenceGateway.ControlPlane.Data;
using InferenceGateway.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Data;

/// <summary>Both migration sets build the schema from nothing and match the model exactly.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task PostgresMigrations_ApplyToAnEmptyDatabaseWithNoPendingModelChanges()
    {
        await using var database = new PostgresDatabase("igw_migrate");
        await using var db = new NpgsqlControlPlaneDbContext(
            new DbContextOptionsBuilder<NpgsqlControlPlaneDbContext>().UseNpgsql(database.ConnectionString).Options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no PostgreSQL migration covers: add one");
        Assert.Equal(0, (await db.ConfigState.SingleAsync()).Revision);
    }

    [Fact]
    public async Task SqliteMigrations_ApplyToAnEmptyDatabaseWithNoPendingModelChanges()
    {
        var file = Path.Combine(Path.GetTempPath(), $"igw-migrate-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new SqliteControlPlaneDbContext(
                new DbContextOptionsBuilder<SqliteControlPlaneDbContext>().UseSqlite($"Data Source={file};Pooling=false").Options);

            await db.Database.MigrateAsync();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no SQLite migration covers: add one");
            Assert.Equal(0, (await db.ConfigState.SingleAsync()).Revision);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
