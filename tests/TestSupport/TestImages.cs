using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace InferenceGateway.TestSupport;

/// <summary>
/// Images for the tests: the sample model's held-out renderings (PNG and JPEG, copied next to every test assembly under
/// heldout/), and hand-made headers that declare any size.
/// </summary>
public static class TestImages
{
    /// <summary>A held-out rendering, for example <c>star/star-01.png</c> or <c>circle/circle-03.jpg</c>.</summary>
    public static byte[] HeldOut(string relativePath) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "heldout", relativePath));

    /// <summary>A valid PNG header (signature and IHDR, with its CRC) declaring any size, followed by a small IDAT and IEND.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        WriteChunk(png, "IHDR", ihdr);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[4096]);
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typeAndData));
        stream.Write(crc);
    }
}
