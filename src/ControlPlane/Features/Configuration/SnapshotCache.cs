using System.IO.Compression;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>A compiled snapshot with its serialized forms, so a fleet pulling at once costs one compile.</summary>
internal sealed record CompiledSnapshot(ConfigSnapshot Snapshot, byte[] Json, byte[] Gzip);

/// <summary>
/// Holds the newest valid snapshot this replica compiled and the errors of the newest failed compile.
/// Compiles are serialized: many nodes asking for the same revision share one.
/// </summary>
internal sealed partial class SnapshotCache(IServiceScopeFactory scopes, ILogger<SnapshotCache> logger)
{
    private readonly SemaphoreSlim _compileLock = new(1, 1);
    private volatile CompiledSnapshot? _lastValid;
    private volatile CompileFailure? _lastFailure;

    public CompiledSnapshot? LastValid => _lastValid;

    public CompileFailure? LastFailure => _lastFailure;

    /// <summary>
    /// The snapshot for <paramref name="revision"/> when it compiles; otherwise the newest valid one (older), or
    /// null when none ever compiled. Nodes keep serving what they have until the configuration is fixed.
    /// </summary>
    public async Task<CompiledSnapshot?> GetAsync(long revision, CancellationToken cancellationToken)
    {
        if (_lastValid is { } cached && cached.Snapshot.Revision >= revision)
        {
            return cached;
        }

        if (_lastFailure is { } failed && failed.Revision >= revision)
        {
            return _lastValid;
        }

        await _compileLock.WaitAsync(cancellationToken);
        try
        {
            if (_lastValid is { } again && again.Snapshot.Revision >= revision)
            {
                return again;
            }

            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<ConfigCompiler>().CompileAsync(cancellationToken);
            if (result.Snapshot is { } snapshot)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, ContractJson.Options);
                _lastValid = new CompiledSnapshot(snapshot, json, Compress(json));
                _lastFailure = null;
                LogCompiled(logger, snapshot.Revision, snapshot.Tenants.Count, snapshot.Routes.Count, snapshot.Keys.Count, snapshot.ContentHash);
            }
            else
            {
                _lastFailure = new CompileFailure(result.Revision, result.Errors, DateTimeOffset.UtcNow);
                LogInvalid(logger, result.Revision, result.Errors.Count, string.Join("; ", result.Errors.Take(10)));
            }

            return _lastValid;
        }
        finally
        {
            _compileLock.Release();
        }
    }

    private static byte[] Compress(byte[] json)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Compiled revision {Revision}: {Tenants} tenants, {Routes} routes, {Keys} keys, content {Hash}")]
    private static partial void LogCompiled(ILogger logger, long revision, int tenants, int routes, int keys, string hash);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Revision {Revision} is invalid and is not served ({Count} errors): {Errors}")]
    private static partial void LogInvalid(ILogger logger, long revision, int count, string errors);
}

internal sealed record CompileFailure(long Revision, IReadOnlyList<string> Errors, DateTimeOffset At);
