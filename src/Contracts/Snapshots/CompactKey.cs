using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace InferenceGateway.Contracts.Snapshots;

/// <summary>A SHA-256 value as four little-endian words: compared, hashed and stored without allocating.</summary>
public readonly record struct Hash256(ulong A, ulong B, ulong C, ulong D)
{
    public const int Length = 32;

    public static Hash256 From(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(digest),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));

    /// <summary>Parses 64 hex digits (either case).</summary>
    public static bool TryParseHex(string? hex, out Hash256 hash)
    {
        hash = default;
        if (hex is not { Length: 64 })
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }

        hash = From(bytes);
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, A);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], D);
    }

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}

/// <summary>
/// An API key as the compact snapshot carries it and a node holds it: fixed-size fields (the public id packed into
/// 60 bits, hashes as words, instants as Unix milliseconds) and, rarely, a model list. The same fields give the
/// key's content digest on both sides (<see cref="Digest"/>), so a node keeps its content hash by adding and
/// subtracting digests instead of hashing a million keys after every change.
/// </summary>
public readonly record struct CompactKey
{
    /// <summary>No instant: the key does not expire, or has no previous secret.</summary>
    public const long Never = long.MaxValue;

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public required Guid KeyId { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>The 12-character base32 public id, 5 bits a character (see <see cref="PackPublicId"/>).</summary>
    public required ulong PublicId { get; init; }

    public required Hash256 Hash { get; init; }

    /// <summary>The previous secret's hash during a rotation grace; meaningful only when <see cref="PreviousUntilMs"/> is not <see cref="Never"/>.</summary>
    public Hash256 PreviousHash { get; init; }

    public long PreviousUntilMs { get; init; }

    public long ExpiresAtMs { get; init; }

    /// <summary>Model slugs in ordinal order; null means every model the plan allows.</summary>
    public string[]? AllowedModels { get; init; }

    public bool HasPrevious => PreviousUntilMs != Never;

    /// <summary>The compact form of a snapshot record, or null (with the reason) when a field cannot be carried.</summary>
    public static CompactKey? From(ApiKeySnapshot key, out string? problem)
    {
        problem = null;
        if (PackPublicId(key.PublicId) is not { } publicId)
        {
            problem = $"key {key.KeyId}: the public id is not 12 base32 characters";
            return null;
        }

        if (!Hash256.TryParseHex(key.Hash, out var hash))
        {
            problem = $"key {key.KeyId}: the hash is not 64 hex digits";
            return null;
        }

        var previous = default(Hash256);
        if (key.PreviousHash is not null && (!Hash256.TryParseHex(key.PreviousHash, out previous) || key.PreviousHashExpiresAt is null))
        {
            problem = $"key {key.KeyId}: the previous hash is invalid";
            return null;
        }

        return new CompactKey
        {
            KeyId = key.KeyId,
            TenantId = key.TenantId,
            PublicId = publicId,
            Hash = hash,
            PreviousHash = key.PreviousHash is null ? default : previous,
            PreviousUntilMs = key.PreviousHash is null ? Never : key.PreviousHashExpiresAt!.Value.ToUnixTimeMilliseconds(),
            ExpiresAtMs = key.ExpiresAt is { } expires ? expires.ToUnixTimeMilliseconds() : Never,
            AllowedModels = key.AllowedModels is { } models ? [.. models.Order(StringComparer.Ordinal)] : null,
        };
    }

    /// <summary>The snapshot record this compact key stands for.</summary>
    public ApiKeySnapshot ToSnapshot() => new()
    {
        KeyId = KeyId,
        PublicId = UnpackPublicId(PublicId),
        TenantId = TenantId,
        Hash = Hash.ToHex(),
        PreviousHash = HasPrevious ? PreviousHash.ToHex() : null,
        PreviousHashExpiresAt = HasPrevious ? DateTimeOffset.FromUnixTimeMilliseconds(PreviousUntilMs) : null,
        AllowedModels = AllowedModels,
        ExpiresAt = ExpiresAtMs == Never ? null : DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs),
    };

    /// <summary>
    /// SHA-256 over the key's fields in a fixed binary order: what the content hash sums. Two keys with the same
    /// fields give the same digest whichever side computes it.
    /// </summary>
    public Hash256 Digest()
    {
        Span<byte> buffer = stackalloc byte[16 + 16 + 8 + 32 + 32 + 8 + 8 + 4];
        KeyId.TryWriteBytes(buffer);
        TenantId.TryWriteBytes(buffer[16..]);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer[32..], PublicId);
        Hash.WriteTo(buffer[40..]);
        (HasPrevious ? PreviousHash : default).WriteTo(buffer[72..]);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[104..], PreviousUntilMs);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[112..], ExpiresAtMs);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[120..], AllowedModels?.Length ?? -1);
        Span<byte> digest = stackalloc byte[Hash256.Length];
        if (AllowedModels is null)
        {
            SHA256.HashData(buffer, digest);
        }
        else
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(buffer);
            foreach (var model in AllowedModels)
            {
                sha.AppendData(Encoding.UTF8.GetBytes(model + "\n"));
            }

            sha.GetHashAndReset(digest);
        }

        return Hash256.From(digest);
    }

    /// <summary>12 lowercase base32 characters as 60 bits, or null when the text is not such an id.</summary>
    public static ulong? PackPublicId(ReadOnlySpan<char> publicId)
    {
        if (publicId.Length != 12)
        {
            return null;
        }

        ulong packed = 0;
        foreach (var c in publicId)
        {
            var value = Base32Alphabet.IndexOf(c);
            if (value < 0)
            {
                return null;
            }

            packed = (packed << 5) | (uint)value;
        }

        return packed;
    }

    public static string UnpackPublicId(ulong packed) => string.Create(12, packed, static (chars, value) =>
    {
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Base32Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    });
}

/// <summary>
/// The sum of key digests, word by word modulo 2^64: adding a key adds its digest and removing it subtracts it, so
/// the sum over a million keys is kept in O(1) per change and equals the sum computed from scratch.
/// </summary>
public readonly record struct KeySum(ulong A, ulong B, ulong C, ulong D, long Count)
{
    public KeySum Add(Hash256 digest) => new(A + digest.A, B + digest.B, C + digest.C, D + digest.D, Count + 1);

    public KeySum Subtract(Hash256 digest) => new(A - digest.A, B - digest.B, C - digest.C, D - digest.D, Count - 1);

    public void WriteTo(Span<byte> destination)
    {
        new Hash256(A, B, C, D).WriteTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], Count);
    }
}
