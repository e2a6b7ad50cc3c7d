using System.Buffers.Binary;

namespace InferenceGateway.DataPlane.Rules;

internal enum ImageKind
{
    Png,
    Jpeg,
    Gif,
    Webp,
}

/// <summary>
/// What an image is and how large it says it is, read from its first bytes only: the type from the magic bytes, the
/// dimensions from the header (PNG IHDR, JPEG SOFn, GIF logical screen, WebP VP8/VP8L/VP8X). Nothing is decompressed,
/// so a file of a few kilobytes that would decode to gigapixels costs a few comparisons.
/// </summary>
internal static class ImageHeader
{
    public static string Name(ImageKind kind) => kind switch
    {
        ImageKind.Png => "png",
        ImageKind.Jpeg => "jpeg",
        ImageKind.Gif => "gif",
        _ => "webp",
    };

    public static ImageKind? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageKind.Png;
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageKind.Jpeg;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageKind.Gif;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageKind.Webp;
        }

        return null;
    }

    /// <summary>The dimensions the header declares; false when the header is truncated or malformed.</summary>
    public static bool TryReadSize(ImageKind kind, ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        switch (kind)
        {
            case ImageKind.Png:
                // Signature, then IHDR must be the first chunk: length 13, "IHDR", width, height (big-endian).
                if (data.Length < 24 || BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
                {
                    return false;
                }

                width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
                height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
                break;
            case ImageKind.Jpeg:
                if (!TryReadJpegSize(data, out width, out height))
                {
                    return false;
                }

                break;
            case ImageKind.Gif:
                if (data.Length < 10)
                {
                    return false;
                }

                width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
                height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
                break;
            default:
                if (!TryReadWebpSize(data, out width, out height))
                {
                    return false;
                }

                break;
        }

        return width > 0 && height > 0;
    }

    /// <summary>Walks the marker segments up to the first start-of-frame (SOF0-SOF15 but DHT, JPG and DAC).</summary>
    private static bool TryReadJpegSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        var position = 2;
        while (position < data.Length)
        {
            if (data[position] != 0xFF)
            {
                return false;
            }

            while (position < data.Length && data[position] == 0xFF)
            {
                position++; // fill bytes
            }

            if (position >= data.Length)
            {
                return false;
            }

            var marker = data[position++];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // standalone markers carry no length
            }

            if (marker is 0xD8 or 0xD9 or 0xDA || position + 2 > data.Length)
            {
                return false; // another image, the end, or scan data before any frame header
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            if (length < 2)
            {
                return false;
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7 || position + 7 > data.Length)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 3)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 5)..]);
                return true;
            }

            position += length;
        }

        return false;
    }

    private static bool TryReadWebpSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        if (data.Length < 30)
        {
            return false;
        }

        var chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: a 3-byte frame tag, the start code 9D 01 2A, then 14-bit width and height.
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A)
            {
                return false;
            }

            width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
            return true;
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each.
            if (data[20] != 0x2F)
            {
                return false;
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            width = (bits & 0x3FFF) + 1;
            height = ((bits >> 14) & 0x3FFF) + 1;
            return true;
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: the canvas, width-1 and height-1 in 24 bits each.
            width = (data[24] | (data[25] << 8) | (data[26] << 16)) + 1L;
            height = (data[27] | (data[28] << 8) | (data[29] << 16)) + 1L;
            return true;
        }

        return false;
    }
}
