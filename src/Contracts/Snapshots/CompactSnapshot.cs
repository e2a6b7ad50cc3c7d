using System.Text;
using System.Text.Json;

namespace InferenceGateway.Contracts.Snapshots;

/// <summary>
/// The compact form of a full snapshot, for a million keys: everything but the keys as JSON (small), then each key
/// as fixed-size binary fields (<see cref="CompactKey"/>, about 75 bytes), then an end mark so a cut file or
/// response is refused. Served compressed by the control plane and kept (encrypted) as a node's last-known-good
/// file; both sides read and write it as a stream, one key at a time.
/// </summary>
public static class CompactSnapshot
{
    /// <summary>The media type nodes ask for in <c>Accept</c>.</summary>
    public const string MediaType = "application/vnd.igw.snapshot";

    private static readonly byte[] Magic = "IGWC\u0001"u8.ToArray();
    private static readonly byte[] End = "IGWE"u8.ToArray();

    private const byte HasPrevious = 1;
    private const byte HasExpiry = 2;
    private const byte HasModels = 4;

    /// <summary>
    /// Writes <paramref name="rest"/> (its <c>Keys</c> are ignored) and <paramref name="count"/> keys. A node sealing its own
    /// state adds the key sum it holds (<paramref name="sum"/>), so its cold start need not hash every key again.
    /// </summary>
    public static void Write(Stream stream, ConfigSnapshot rest, long count, IEnumerable<CompactKey> keys, KeySum? sum = null)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        var json = JsonSerializer.SerializeToUtf8Bytes(rest with { Keys = [] }, ContractJson.Options);
        writer.Write(json.Length);
        writer.Write(json);
        writer.Write(count);
        writer.Write(sum is not null);
        if (sum is { } known)
        {
            Span<byte> sumBytes = stackalloc byte[40];
            known.WriteTo(sumBytes);
            writer.Write(sumBytes);
        }

        Span<byte> buffer = stackalloc byte[16 + 16 + 8 + 32 + 1 + 32 + 8 + 8];
        long written = 0;
        foreach (var key in keys)
        {
            key.KeyId.TryWriteBytes(buffer);
            key.TenantId.TryWriteBytes(buffer[16..]);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer[32..], key.PublicId);
            key.Hash.WriteTo(buffer[40..]);
            var flags = (byte)((key.HasPrevious ? HasPrevious : 0) | (key.ExpiresAtMs != CompactKey.Never ? HasExpiry : 0) | (key.AllowedModels is not null ? HasModels : 0));
            buffer[72] = flags;
            var length = 73;
            if (key.HasPrevious)
            {
                key.PreviousHash.WriteTo(buffer[length..]);
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer[(length + 32)..], key.PreviousUntilMs);
                length += 40;
            }

            if (key.ExpiresAtMs != CompactKey.Never)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer[length..], key.ExpiresAtMs);
                length += 8;
            }

            writer.Write(buffer[..length]);
            if (key.AllowedModels is { } models)
            {
                writer.Write((ushort)models.Length);
                foreach (var model in models)
                {
                    writer.Write(model);
                }
            }

            written++;
        }

        if (written != count)
        {
            throw new InvalidOperationException($"{written} keys written where {count} were announced.");
        }

        writer.Write(End);
    }

    /// <summary>Reads a compact snapshot: the header first, then the keys one by one (<see cref="Reader"/>).</summary>
    public static Reader Open(Stream stream) => new(stream);

    /// <summary>Reads the parts of a compact snapshot in order; every malformed input is an <see cref="InvalidDataException"/>.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly BinaryReader _reader;
        private long _remaining;

        internal Reader(Stream stream)
        {
            _reader = new BinaryReader(new BufferedStream(stream, 1 << 16), Encoding.UTF8, leaveOpen: false);
            try
            {
                if (!_reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                {
                    throw new InvalidDataException("not a compact snapshot");
                }

                var length = _reader.ReadInt32();
                if (length is < 2 or > 64 << 20)
                {
                    throw new InvalidDataException("the snapshot header has an impossible length");
                }

                var json = _reader.ReadBytes(length);
                Header = (json.Length == length ? JsonSerializer.Deserialize<ConfigSnapshot>(json, ContractJson.Options) : null)
                    ?? throw new InvalidDataException("the snapshot header is cut or empty");
                _remaining = _reader.ReadInt64();
                if (_remaining < 0)
                {
                    throw new InvalidDataException("the key count is negative");
                }

                KeyCount = _remaining;
                if (_reader.ReadBoolean())
                {
                    Span<byte> sum = stackalloc byte[40];
                    _reader.BaseStream.ReadExactly(sum);
                    var words = Hash256.From(sum);
                    Sum = new KeySum(words.A, words.B, words.C, words.D, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(sum[32..]));
                }
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException("the snapshot is cut short");
            }
        }

        /// <summary>Everything but the keys.</summary>
        public ConfigSnapshot Header { get; }

        public long KeyCount { get; }

        /// <summary>The key sum the writer stored, if it stored one (only a node's own sealed file is trusted with it).</summary>
        public KeySum? Sum { get; }

        /// <summary>The next key, or false after the last (when the end mark has been checked).</summary>
        public bool TryRead(out CompactKey key)
        {
            key = default;
            try
            {
                if (_remaining == 0)
                {
                    if (!_reader.ReadBytes(End.Length).AsSpan().SequenceEqual(End))
                    {
                        throw new InvalidDataException("the snapshot has no end mark");
                    }

                    _remaining = -1;
                    return false;
                }

                if (_remaining < 0)
                {
                    return false;
                }

                Span<byte> buffer = stackalloc byte[73];
                _reader.BaseStream.ReadExactly(buffer);
                var flags = buffer[72];
                var previous = default(Hash256);
                var previousUntil = CompactKey.Never;
                if ((flags & HasPrevious) != 0)
                {
                    Span<byte> extra = stackalloc byte[40];
                    _reader.BaseStream.ReadExactly(extra);
                    previous = Hash256.From(extra);
                    previousUntil = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(extra[32..]);
                }

                var expires = (flags & HasExpiry) != 0 ? _reader.ReadInt64() : CompactKey.Never;
                string[]? models = null;
                if ((flags & HasModels) != 0)
                {
                    models = new string[_reader.ReadUInt16()];
                    for (var i = 0; i < models.Length; i++)
                    {
                        models[i] = _reader.ReadString();
                    }
                }

                _remaining--;
                key = new CompactKey
                {
                    KeyId = new Guid(buffer[..16]),
                    TenantId = new Guid(buffer[16..32]),
                    PublicId = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]),
                    Hash = Hash256.From(buffer[40..72]),
                    PreviousHash = previous,
                    PreviousUntilMs = previousUntil,
                    ExpiresAtMs = expires,
                    AllowedModels = models,
                };
                return true;
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException("the snapshot is cut short");
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
