using System.Text;
using InferenceGateway.DataPlane.Rules;
using InferenceGateway.TestSupport;

namespace InferenceGateway.DataPlane.Tests.Rules;

public sealed class ImageHeaderTests
{
    [Theory]
    [InlineData("star/star-01.png", "png")]
    [InlineData("circle/circle-03.jpg", "jpeg")]
    public void TryReadSize_RealImages_ReadsTypeAndSizeFromTheHeader(string file, string type)
    {
        var image = TestImages.HeldOut(file);
        var expected = type == "png" ? ImageKind.Png : ImageKind.Jpeg;

        Assert.Equal(expected, ImageHeader.Sniff(image));
        Assert.True(ImageHeader.TryReadSize(expected, image, out var width, out var height));
        Assert.Equal((64, 64), (width, height));
    }

    [Fact]
    public void TryReadSize_PngDeclaringGigapixels_ReadsTheDeclaredSizeWithoutDecoding()
    {
        var bomb = TestImages.PngHeader(20_000, 20_000);

        Assert.InRange(bomb.Length, 1, 8 * 1024);
        Assert.True(ImageHeader.TryReadSize(ImageKind.Png, bomb, out var width, out var height));
        Assert.Equal((20_000, 20_000), (width, height));
    }

    [Fact]
    public void TryReadSize_JpegWithProgressiveFrameAfterApplicationSegments_FindsTheFrame()
    {
        // SOI, APP0 (16 bytes), a COM segment, DHT, then SOF2 declaring 30000 x 20000.
        byte[] jpeg =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x10, .. Encoding.ASCII.GetBytes("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0,
            0xFF, 0xFE, 0x00, 0x05, (byte)'h', (byte)'i', (byte)'!',
            0xFF, 0xC4, 0x00, 0x03, 0x00,
            0xFF, 0xC2, 0x00, 0x11, 0x08, 0x4E, 0x20, 0x75, 0x30, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        ];

        Assert.Equal(ImageKind.Jpeg, ImageHeader.Sniff(jpeg));
        Assert.True(ImageHeader.TryReadSize(ImageKind.Jpeg, jpeg, out var width, out var height));
        Assert.Equal((30_000, 20_000), (width, height));
    }

    [Fact]
    public void TryReadSize_GifAndWebp_ReadTheirHeaders()
    {
        byte[] gif = [.. "GIF89a"u8, 0x10, 0x27, 0x20, 0x4E, 0, 0, 0];
        byte[] webp = [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBPVP8X"u8, 10, 0, 0, 0, 0, 0, 0, 0, 0x1F, 0x4E, 0x00, 0x3F, 0x9C, 0x00];

        Assert.True(ImageHeader.TryReadSize(ImageHeader.Sniff(gif)!.Value, gif, out var gifWidth, out var gifHeight));
        Assert.Equal((10_000, 20_000), (gifWidth, gifHeight));
        Assert.Equal(ImageKind.Webp, ImageHeader.Sniff(webp));
        Assert.True(ImageHeader.TryReadSize(ImageKind.Webp, webp, out var webpWidth, out var webpHeight));
        Assert.Equal((20_000, 40_000), (webpWidth, webpHeight));
    }

    [Theory]
    [InlineData("hello, I am a text file named cat.png")]
    [InlineData("")]
    [InlineData("<svg xmlns='http://www.w3.org/2000/svg'/>")]
    public void Sniff_NotAnImage_IsNull(string text) => Assert.Null(ImageHeader.Sniff(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void TryReadSize_TruncatedPng_IsFalse()
    {
        var truncated = TestImages.PngHeader(100, 100)[..20];

        Assert.False(ImageHeader.TryReadSize(ImageKind.Png, truncated, out _, out _));
    }
}
