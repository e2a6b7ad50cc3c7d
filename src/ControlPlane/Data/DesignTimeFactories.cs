using InferenceGateway.ControlPlane.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InferenceGateway.ControlPlane.Data;

// Used by `dotnet ef migrations add` only: one factory per provider, so each keeps its own migration set.
internal sealed class NpgsqlDesignTimeFactory : IDesignTimeDbContextFactory<NpgsqlControlPlaneDbContext>
{
    public NpgsqlControlPlaneDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NpgsqlControlPlaneDbContext>().UseNpgsql(DatabaseOptions.DefaultPostgres()).Options);
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteControlPlaneDbContext>
{
    public SqliteControlPlaneDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteControlPlaneDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
