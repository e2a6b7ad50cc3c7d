using InferenceGateway.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace InferenceGateway.ControlPlane.Features.ApiKeys;

/// <summary>
/// Writes a batch of new keys in one round trip: PostgreSQL's binary COPY (a thousand rows in a few milliseconds,
/// where a thousand INSERT statements cost a hundred), inside the caller's transaction. SQLite, the standalone
/// database, takes the rows through EF Core as usual.
/// </summary>
internal static class ApiKeyBulkInsert
{
    private const string Copy =
        """COPY "ApiKeys" ("Id", "TenantId", "Name", "PublicId", "SecretHash", "PreviousSecretHash", "PreviousSecretExpiresAt", "AllowedModels", "ExpiresAt", "RevokedAt", "CreatedBy", "CreatedAt", "RotatedAt", "LastUsedAt", "Version") FROM STDIN (FORMAT BINARY)""";

    /// <summary>True when <see cref="CopyAsync"/> applies; otherwise add the keys to the context.</summary>
    public static bool CanCopy(ControlPlaneDbContext db) => !db.IsSqlite;

    public static async Task CopyAsync(ControlPlaneDbContext db, IReadOnlyList<ApiKey> keys, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var key in keys)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(key.Id, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(key.TenantId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(key.Name, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(key.PublicId, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(key.SecretHash, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteNullAsync(cancellationToken);
            await importer.WriteNullAsync(cancellationToken);
            if (key.AllowedModels is { } models)
            {
                await importer.WriteAsync(models.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            if (key.ExpiresAt is { } expires)
            {
                await importer.WriteAsync(expires.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            await importer.WriteNullAsync(cancellationToken);
            await importer.WriteAsync(key.CreatedBy, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(key.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteNullAsync(cancellationToken);
            await importer.WriteNullAsync(cancellationToken);
            await importer.WriteAsync(key.Version, NpgsqlDbType.Integer, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }
}
