using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Keeps the last good snapshot on local disk, encrypted with AES-GCM under the node key, so a node can start
/// and serve while the control plane and the bus are down. The file holds the compact snapshot form
/// (<see cref="CompactSnapshot"/>, compressed), so a cold start is a read, a decrypt and a streamed parse straight
/// into the key table. Writes happen off the request and apply paths, always of the newest state, atomically
/// (write then rename).
/// </summary>
internal sealed partial class LastKnownGoodStore : BackgroundService
{
    private static readonly byte[] Magic = "IGWS2"u8.ToArray();
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("InferenceGateway.DataPlane.Snapshot.v2");
    private readonly Channel<NodeState> _pending = Channel.CreateBounded<NodeState>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly byte[] _key;
    private readonly ILogger<LastKnownGoodStore> _logger;

    public LastKnownGoodStore(IOptions<DataPlaneOptions> options, NodeConfig config, ILogger<LastKnownGoodStore> logger)
    {
        _key = options.Value.SnapshotKeyBytes();
        _logger = logger;
        FilePath = System.IO.Path.Combine(options.Value.StateDirectory, "snapshot.bin");
        config.Applied += state => _pending.Writer.TryWrite(state);
    }

    public string FilePath { get; }

    /// <summary>
    /// The stored snapshot, opened for reading (its header, then its keys as a stream), or null when there is none or
    /// it cannot be decrypted with this node's key. A cut or altered file fails the decryption as a whole.
    /// </summary>
    public CompactSnapshot.Reader? TryLoad()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        try
        {
            return Open(File.ReadAllBytes(FilePath), _key);
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidDataException or JsonException or IOException)
        {
            LogUnreadable(_logger, FilePath, ex.GetType().Name);
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var state in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                Write(state);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(_logger, FilePath, ex.GetType().Name);
            }

            // A million keys take a second or two to write: under a stream of deltas, write the newest state at most
            // every few seconds rather than every state (a node killed meanwhile starts from a slightly older one and
            // catches up at its first pull).
            if (state.Keys.Count >= LargeTable)
            {
                await Task.Delay(LargeTableWriteInterval, stoppingToken);
            }
        }
    }

    private const long LargeTable = 50_000;
    private static readonly TimeSpan LargeTableWriteInterval = TimeSpan.FromSeconds(5);

    /// <summary>Writes the state now (also used on shutdown paths and by tests).</summary>
    public void Write(NodeState state) => WriteFile(Encrypt(state.Source, state.Keys.Count, state.Keys.Enumerate(), _key, state.Keys.Sum), state.Revision);

    /// <summary>Writes a snapshot now (tests, and a node handed a snapshot file).</summary>
    public void Write(ConfigSnapshot snapshot) => WriteFile(Encrypt(snapshot, _key), snapshot.Revision);

    private void WriteFile(byte[] data, long revision)
    {
        var directory = System.IO.Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(directory);
        var temp = FilePath + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Only the node's own user may read the file, encrypted or not.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temp, fileOptions))
        {
            file.Write(data);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
        LogWritten(_logger, revision);
    }

    /// <summary>A snapshot whose keys are records, in the compact form (keys that have none are refused).</summary>
    internal static byte[] Encrypt(ConfigSnapshot snapshot, byte[] key)
    {
        var keys = snapshot.Keys.Select(k => CompactKey.From(k, out var problem) ?? throw new InvalidDataException(problem)).ToList();
        return Encrypt(snapshot, keys.Count, keys, key);
    }

    /// <summary>The compact snapshot (header and keys), compressed, then sealed with AES-GCM under the node key.</summary>
    internal static byte[] Encrypt(ConfigSnapshot header, long count, IEnumerable<CompactKey> keys, byte[] key, KeySum? sum = null)
    {
        using var plain = new MemoryStream();
        using (var gzip = new GZipStream(plain, CompressionLevel.Fastest, leaveOpen: true))
        {
            CompactSnapshot.Write(gzip, header, count, keys, sum);
        }

        var plaintext = plain.GetBuffer().AsSpan(0, (int)plain.Length);
        var output = new byte[Magic.Length + AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize + plaintext.Length];
        Magic.CopyTo(output, 0);
        var nonce = output.AsSpan(Magic.Length, AesGcm.NonceByteSizes.MaxSize);
        var tag = output.AsSpan(Magic.Length + nonce.Length, AesGcm.TagByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, tag.Length);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Magic.Length + nonce.Length + tag.Length), tag, AssociatedData);
        return output;
    }

    /// <summary>Decrypts a stored file and opens its compact snapshot for reading.</summary>
    internal static CompactSnapshot.Reader Open(byte[] data, byte[] key)
    {
        var headerLength = Magic.Length + AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize;
        if (data.Length < headerLength || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a snapshot file");
        }

        var nonce = data.AsSpan(Magic.Length, AesGcm.NonceByteSizes.MaxSize);
        var tag = data.AsSpan(Magic.Length + nonce.Length, AesGcm.TagByteSizes.MaxSize);
        var plaintext = new byte[data.Length - headerLength];
        using var aes = new AesGcm(key, tag.Length);
        aes.Decrypt(nonce, data.AsSpan(headerLength), tag, plaintext, AssociatedData);
        return CompactSnapshot.Open(new GZipStream(new MemoryStream(plaintext), CompressionMode.Decompress));
    }

    /// <summary>A stored file read whole into a snapshot with key records (tests and small files).</summary>
    internal static ConfigSnapshot Decrypt(byte[] data, byte[] key)
    {
        using var reader = Open(data, key);
        var keys = new List<ApiKeySnapshot>();
        while (reader.TryRead(out var compact))
        {
            keys.Add(compact.ToSnapshot());
        }

        return reader.Header with { Keys = keys };
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "Stored revision {Revision} as the last known good snapshot")]
    private static partial void LogWritten(ILogger logger, long revision);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Could not store the last known good snapshot at {Path} ({Error})")]
    private static partial void LogWriteFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "The snapshot at {Path} cannot be read with this node's key ({Error}); ignoring it")]
    private static partial void LogUnreadable(ILogger logger, string path, string error);
}
