using InferenceGateway.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Hosting;

/// <summary>Brings the database schema up to date before the server takes requests.</summary>
internal sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        if (options.Value.MigrateOnStart)
        {
            await MigrateAsync(db, cancellationToken);
        }

        // The epoch is born with the revision counter: a new (or rebuilt) database gets a random one at its first
        // start, once, whichever replica comes first.
        var epoch = Guid.NewGuid();
        if (await db.ConfigState.Where(s => s.Id == ConfigState.SingletonId && s.Epoch == Guid.Empty)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Epoch, epoch), cancellationToken) > 0)
        {
            LogEpochCreated(logger, epoch);
        }
    }

    private async Task MigrateAsync(ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        if (db.IsSqlite)
        {
            // Write-ahead logging: readers (snapshot pulls, lists) do not block writers (admin changes, the relay).
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, options.Value.Provider, pending);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Database ({Provider}) is up to date; {Count} migrations applied")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "New configuration epoch {Epoch}: revisions start over and every node replaces its state")]
    private static partial void LogEpochCreated(ILogger logger, Guid epoch);
}
