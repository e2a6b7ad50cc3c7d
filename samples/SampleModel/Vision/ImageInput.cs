using StbImageSharp;

namespace InferenceGateway.SampleModel.Vision;

/// <summary>
/// Turns encoded image bytes (PNG, JPEG, GIF, BMP...) into the network's input: 224 x 224 RGB, planar, 0-255 floats.
/// The header is read first, so an image whose dimensions exceed the limit is refused before any pixel is decoded.
/// </summary>
internal static class ImageInput
{
    public const int Side = 224;

    /// <summary>Thrown for bytes that are not a decodable image, or an image over the pixel limit.</summary>
    internal sealed class RejectedException(string message, bool tooLarge) : Exception(message)
    {
        public bool TooLarge { get; } = tooLarge;
    }

    public static float[] ToTensorData(byte[] encoded, long maxPixels)
    {
        ImageInfo? info;
        using (var header = new MemoryStream(encoded, writable: false))
        {
            info = ImageInfo.FromStream(header);
        }

        // stb refuses to describe images over a gigabyte of pixels; a PNG still says its size in the first chunk.
        (long Width, long Height)? size = info is { Width: > 0, Height: > 0 } known ? (known.Width, known.Height) : PngSize(encoded);
        if (size is not { } dimensions)
        {
            throw new RejectedException("The file is not an image in a supported format (PNG, JPEG, GIF, BMP), or is too large to decode.", tooLarge: false);
        }

        if (dimensions.Width * dimensions.Height > maxPixels)
        {
            throw new RejectedException(
                $"The image is {dimensions.Width} x {dimensions.Height} pixels; at most {maxPixels} pixels are accepted.", tooLarge: true);
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(encoded, ColorComponents.RedGreenBlue);
        }
        catch (Exception corrupt) when (corrupt is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
            throw new RejectedException("The image could not be decoded: the file is damaged or truncated.", tooLarge: false);
        }

        return Resize(image.Data, image.Width, image.Height);
    }

    private static (long Width, long Height)? PngSize(byte[] encoded)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        if (encoded.Length < 24 || !encoded.AsSpan(0, 16).SequenceEqual(signature))
        {
            return null;
        }

        long width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(16));
        long height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(20));
        return width > 0 && height > 0 ? (width, height) : null;
    }

    /// <summary>Bilinear resize of interleaved RGB bytes to <see cref="Side"/> squared, written as three planes (R, G, B).</summary>
    private static float[] Resize(byte[] rgb, int width, int height)
    {
        const int plane = Side * Side;
        var output = new float[3 * plane];
        float scaleX = (float)width / Side;
        float scaleY = (float)height / Side;
        for (int y = 0; y < Side; y++)
        {
            float sourceY = Math.Clamp(((y + 0.5f) * scaleY) - 0.5f, 0, height - 1);
            int y0 = (int)sourceY;
            int y1 = Math.Min(y0 + 1, height - 1);
            float wy = sourceY - y0;
            for (int x = 0; x < Side; x++)
            {
                float sourceX = Math.Clamp(((x + 0.5f) * scaleX) - 0.5f, 0, width - 1);
                int x0 = (int)sourceX;
                int x1 = Math.Min(x0 + 1, width - 1);
                float wx = sourceX - x0;
                for (int c = 0; c < 3; c++)
                {
                    float top = (rgb[((y0 * width) + x0) * 3 + c] * (1 - wx)) + (rgb[((y0 * width) + x1) * 3 + c] * wx);
                    float bottom = (rgb[((y1 * width) + x0) * 3 + c] * (1 - wx)) + (rgb[((y1 * width) + x1) * 3 + c] * wx);
                    output[(c * plane) + (y * Side) + x] = (top * (1 - wy)) + (bottom * wy);
                }
            }
        }

        return output;
    }
}
