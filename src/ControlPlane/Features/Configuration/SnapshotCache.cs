using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using Microsoft.AspNetCore.DataProtection;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>
/// A compiled snapshot with its serialized forms (a fleet pulling at once costs one compile) and what it left out.
/// Nodes pull the compact form (<see cref="CompactSnapshot"/>, gzip), made once per compile; the JSON form, several
/// times larger at a million keys, is made only if a client asks for it.
/// </summary>
internal sealed class CompiledSnapshot
{
    private readonly Lazy<byte[]> _json;
    private readonly Lazy<byte[]> _gzip;

    public CompiledSnapshot(CompileResult result)
    {
        var snapshot = result.Snapshot;
        Snapshot = snapshot;
        Problems = result.Problems;
        Keys = result.Keys;
        KeySum = result.KeySum;
        RestDigest = ConfigContent.RestDigest(snapshot);
        CompactGzip = Compress(stream => CompactSnapshot.Write(stream, snapshot, result.Keys.Length, result.Keys));
        _json = new(() => JsonSerializer.SerializeToUtf8Bytes(snapshot, ContractJson.Options));
        _gzip = new(() => Compress(stream => stream.Write(Json)));
        ItemCount = snapshot.Plans.Count + snapshot.Tenants.Count + snapshot.Routes.Count + snapshot.Keys.Count + snapshot.Blocks.Count;
    }

    public ConfigSnapshot Snapshot { get; }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>The keys in compact form, in id order (the snapshot's key records are a view over them).</summary>
    public CompactKey[] Keys { get; }

    /// <summary>The sum of the keys' digests: the key part of the content hash.</summary>
    public KeySum KeySum { get; }

    /// <summary>The digest of everything but the keys: the other part of the content hash.</summary>
    public byte[] RestDigest { get; }

    /// <summary>The compact form, gzip-compressed: what nodes pull.</summary>
    public byte[] CompactGzip { get; }

    public byte[] Json => _json.Value;

    public byte[] Gzip => _gzip.Value;

    /// <summary>How many items the snapshot holds: a delta with more changes than this is sent as the snapshot instead.</summary>
    public int ItemCount { get; }

    private static byte[] Compress(Action<Stream> write)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            write(gzip);
        }

        return output.ToArray();
    }
}

/// <summary>
/// Holds the newest snapshot this replica compiled, with the items that were left out of it. Compiles are
/// serialized: many nodes asking for the same revision share one.
/// </summary>
internal sealed partial class SnapshotCache(IServiceScopeFactory scopes, ILogger<SnapshotCache> logger)
{
    private readonly SemaphoreSlim _compileLock = new(1, 1);
    private volatile CompiledSnapshot? _latest;
    private volatile ReplayedHash? _replayed;

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
            var started = Stopwatch.GetTimestamp();
            var result = await scope.ServiceProvider.GetRequiredService<ConfigCompiler>().CompileAsync(cancellationToken);
            var snapshot = result.Snapshot;
            _latest = new CompiledSnapshot(result);
            LogCompiled(logger, snapshot.Revision, snapshot.Tenants.Count, snapshot.Routes.Count, snapshot.Keys.Count, snapshot.ContentHash,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, _latest.CompactGzip.Length);
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

    /// <summary>
    /// The content hash of <paramref name="revision"/> of <paramref name="epoch"/>, for a node's drift check: from the
    /// cached snapshot when it is that revision, replayed from it when only keys changed since
    /// (<see cref="ContentHashTracker"/>), compiled otherwise.
    /// </summary>
    public async Task<string> ContentHashAsync(Guid epoch, long revision, CancellationToken cancellationToken)
    {
        if (_replayed is { } known && known.Epoch == epoch && known.Revision == revision)
        {
            return known.Hash;
        }

        if (_latest is { } basis)
        {
            await using var scope = scopes.CreateAsyncScope();
            var hash = await ContentHashTracker.TryReplayAsync(basis, epoch, revision,
                scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>(), scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>(), cancellationToken);
            if (hash is not null)
            {
                _replayed = new ReplayedHash(epoch, revision, hash);
                return hash;
            }
        }

        return (await GetAsync(epoch, revision, cancellationToken)).Snapshot.ContentHash;
    }

    private sealed record ReplayedHash(Guid Epoch, long Revision, string Hash);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Compiled revision {Revision}: {Tenants} tenants, {Routes} routes, {Keys} keys, content {Hash}, in {ElapsedMs} ms, {CompressedBytes} bytes compressed")]
    private static partial void LogCompiled(ILogger logger, long revision, int tenants, int routes, int keys, string hash, long elapsedMs, int compressedBytes);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Revision {Revision} leaves out {Count} items that cannot be served: {Problems}")]
    private static partial void LogProblems(ILogger logger, long revision, int count, string problems);
}
