using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace InferenceGateway.Security.Keys;

/// <summary>
/// The text form of an API key: <c>igw_&lt;public id&gt;_&lt;secret&gt;&lt;checksum&gt;</c>.
/// The public id (12 base32 characters) names the key in logs, the portal and the audit log; the secret is 256
/// random bits in base62 (43 characters); the checksum (CRC-32 in base62, 6 characters) lets a gateway reject a
/// mistyped or invented key before any lookup. Only <see cref="Hash"/> of the whole text is ever stored.
/// </summary>
public static class ApiKeyText
{
    public const string Prefix = "igw_";
    public const int PublicIdLength = 12;
    public const int SecretLength = 43;
    public const int ChecksumLength = 6;

    /// <summary>Total length of a well-formed key.</summary>
    public const int Length = 4 + PublicIdLength + 1 + SecretLength + ChecksumLength;

    /// <summary>Length of the SHA-256 hash stored for a key.</summary>
    public const int HashLength = 32;

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const string Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Creates a new public id: 60 random bits in lowercase base32.</summary>
    public static string NewPublicId()
    {
        Span<char> id = stackalloc char[PublicIdLength];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Base32Alphabet[RandomNumberGenerator.GetInt32(Base32Alphabet.Length)];
        }

        return new string(id);
    }

    /// <summary>Creates the full text of a new key for a public id. The caller shows it once and stores its hash.</summary>
    public static string Create(string publicId)
    {
        if (!IsValidPublicId(publicId))
        {
            throw new ArgumentException("A public id is 12 lowercase base32 characters.", nameof(publicId));
        }

        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        var body = string.Concat(Prefix, publicId, "_", Base62(secret, SecretLength));
        return body + Base62(Checksum(body), ChecksumLength);
    }

    /// <summary>
    /// Checks the shape and the checksum of a presented key without any lookup. Cheap enough for every request.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[4 + PublicIdLength] != '_')
        {
            return false;
        }

        if (!IsValidPublicId(key.Slice(4, PublicIdLength)))
        {
            return false;
        }

        foreach (var c in key[(4 + PublicIdLength + 1)..])
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        var body = key[..^ChecksumLength];
        Span<byte> utf8 = stackalloc byte[body.Length];
        Encoding.ASCII.GetBytes(body, utf8);
        Span<char> expected = stackalloc char[ChecksumLength];
        Base62(Crc32.HashToUInt32(utf8), expected);
        return key[^ChecksumLength..].SequenceEqual(expected);
    }

    /// <summary>The public id of a well-formed key.</summary>
    public static string PublicIdOf(ReadOnlySpan<char> key) => new(key.Slice(4, PublicIdLength));

    /// <summary>The display prefix of a key (<c>igw_&lt;public id&gt;</c>), safe to show anywhere.</summary>
    public static string DisplayPrefix(string publicId) => Prefix + publicId;

    public static bool IsValidPublicId(ReadOnlySpan<char> publicId)
    {
        if (publicId.Length != PublicIdLength)
        {
            return false;
        }

        foreach (var c in publicId)
        {
            if (!(c is >= 'a' and <= 'z' || c is >= '2' and <= '7'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SHA-256 of the key's text. The secret carries 256 bits, so a fast hash is enough.</summary>
    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        var hash = new byte[HashLength];
        Hash(key, hash);
        return hash;
    }

    /// <summary>Allocation-free variant of <see cref="Hash(ReadOnlySpan{char})"/> for the request path.</summary>
    public static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        Span<byte> utf8 = key.Length <= 256 ? stackalloc byte[key.Length * 3] : new byte[key.Length * 3];
        var n = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..n], destination);
    }

    private static uint Checksum(string body) => Crc32.HashToUInt32(Encoding.ASCII.GetBytes(body));

    private static string Base62(uint value, int length)
    {
        Span<char> chars = stackalloc char[length];
        Base62(value, chars);
        return new string(chars);
    }

    private static void Base62(uint value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Base62Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }

    private static string Base62(ReadOnlySpan<byte> bytes, int length)
    {
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        Span<char> chars = stackalloc char[length];
        for (var i = length - 1; i >= 0; i--)
        {
            value = System.Numerics.BigInteger.DivRem(value, 62, out var rem);
            chars[i] = Base62Alphabet[(int)rem];
        }

        return new string(chars);
    }
}
