using System.IO.Compression;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>A compiled snapshot with its serialized forms (a fleet pulling at once costs one compile) and what it left out.</summary>
internal sealed record CompiledSnapshot(ConfigSnapshot Snapshot, byte[] Json, byte[] Gzip, IReadOnlyList<string> Problems)
{
    /// <summary>How many items the snapshot holds: a delta with more changes than this is sent as the snapshot instead.</summary>
    public int ItemCount { get; } = Snapshot.Plans.Count + Snapshot.Tenants.Count + Snapshot.Routes.Count + Snapshot.Keys.Count + Snapshot.Blocks.Count;
}

/// <summary>
/// Holds the newest snapshot this replica compiled, with the items that were left out of it. Compiles are
/// serialized: many nodes asking for the same revision share one.
/// </summary>
internal sealed partial class SnapshotCache(IServiceScopeFactory scopes, ILogger<SnapshotCache> logger)
{
    private readonly SemaphoreSlim _compileLock = new(1, 1);
    private volatile CompiledSnapshot? _latest;

    /// <summary>
    /// The snapshot for <paramref name="revision"/> of <paramref name="epoch"/> (or a newer one, when the database moved
    /// on while compiling). Only an exact match is served from the cache: a restored database is at a lower revision
    /// of the same epoch, and a snapshot cached before the restore must not outlive it.
    /// </summary>
    public async Task<CompiledSnapshot> GetAsync(Guid epoch, long revision, CancellationToken cancellationToken)
    {
        if (_latest is { } cached && cached.Snapshot.Epoch == epoch && cached.Snapshot.Revision == revision)
        {
            return cached;
        }

        await _compileLock.WaitAsync(cancellationToken);
        try
        {
            if (_latest is { } again && again.Snapshot.Epoch == epoch && again.Snapshot.Revision == revision)
            {
                return again;
            }

            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<ConfigCompiler>().CompileAsync(cancellationToken);
            var snapshot = result.Snapshot;
            var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, ContractJson.Options);
            _latest = new CompiledSnapshot(snapshot, json, Compress(json), result.Problems);
            LogCompiled(logger, snapshot.Revision, snapshot.Tenants.Count, snapshot.Routes.Count, snapshot.Keys.Count, snapshot.ContentHash);
            if (result.Problems.Count > 0)
            {
                LogProblems(logger, snapshot.Revision, result.Problems.Count, string.Join("; ", result.Problems.Take(10)));
            }

            return _latest;
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

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Revision {Revision} leaves out {Count} items that cannot be served: {Problems}")]
    private static partial void LogProblems(ILogger logger, long revision, int count, string problems);
}
