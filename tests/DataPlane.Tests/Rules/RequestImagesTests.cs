using System.Net.Http.Headers;
using System.Text;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Rules;
using InferenceGateway.TestSupport;

namespace InferenceGateway.DataPlane.Tests.Rules;

public sealed class RequestImagesTests
{
    private static readonly ImageRules Rules = new(new ImageRulesSnapshot
    {
        AllowedTypes = ["png", "jpeg"], MaxEncodedBytes = 64 * 1024, MaxWidth = 4096, MaxHeight = 4096, MaxPixels = 4096L * 4096, MaxImages = 2,
        JsonPaths = ["image", "input.images[*]"],
    });

    [Fact]
    public async Task CheckAsync_JsonWithDuplicateKeys_ChecksEveryValue()
    {
        var good = Convert.ToBase64String(TestImages.HeldOut("star/star-01.png"));
        var bomb = Convert.ToBase64String(TestImages.PngHeader(20_000, 20_000));

        var refusal = await CheckAsync("application/json", $$"""{"image":"{{good}}","image":"{{bomb}}"}""");

        Assert.Equal("maxWidth", refusal?.Rule);
    }

    [Fact]
    public async Task CheckAsync_JsonArrayPath_CountsEveryImage()
    {
        var good = Convert.ToBase64String(TestImages.HeldOut("star/star-01.png"));

        var two = await CheckAsync("application/json", $$$"""{"input":{"images":["{{{good}}}","data:image/png;base64,{{{good}}}"]}}""");
        var three = await CheckAsync("application/json", $$$"""{"input":{"images":["{{{good}}}","{{{good}}}","{{{good}}}"]}}""");

        Assert.Null(two);
        Assert.Equal("maxImages", three?.Rule);
    }

    [Fact]
    public async Task CheckAsync_Base64LongerThanTheLimit_IsRefusedBeforeDecoding()
    {
        var refusal = await CheckAsync("application/json", $$"""{"image":"{{new string('A', 200_000)}}"}""");

        Assert.Equal("maxEncodedBytes", refusal?.Rule);
        Assert.Equal(413, refusal?.Status);
    }

    [Fact]
    public async Task CheckAsync_ArrayWhereOneImageWasDeclared_ChecksEveryElement()
    {
        var good = Convert.ToBase64String(TestImages.HeldOut("star/star-01.png"));
        var bomb = Convert.ToBase64String(TestImages.PngHeader(20_000, 20_000));

        var refusal = await CheckAsync("application/json", $$"""{"image":["{{good}}","{{bomb}}"]}""");

        Assert.Equal("maxWidth", refusal?.Rule);
    }

    [Fact]
    public async Task CheckAsync_OpenAiStyleImageUrlPath_FindsTheDataUrl()
    {
        var rules = new ImageRules(new ImageRulesSnapshot
        {
            AllowedTypes = ["png"], MaxEncodedBytes = 64 * 1024, MaxWidth = 4096, MaxHeight = 4096, MaxPixels = 4096L * 4096, MaxImages = 4,
            JsonPaths = ["messages[*].content[*].image_url.url"],
        });
        var bomb = Convert.ToBase64String(TestImages.PngHeader(20_000, 20_000));
        var body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"plain text\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it?\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + bomb + "\"}}]}]}";

        var refusal = await RequestImages.CheckAsync(rules, "application/json", Encoding.UTF8.GetBytes(body), CancellationToken.None);

        Assert.Equal("maxWidth", refusal?.Rule);
    }

    [Fact]
    public async Task CheckAsync_BadBase64_IsMalformed()
    {
        await Assert.ThrowsAsync<MalformedImageBodyException>(() => CheckAsync("application/json", """{"image":"not*base64"}"""));
        await Assert.ThrowsAsync<MalformedImageBodyException>(() => CheckAsync("application/json", """{"image": """));
    }

    [Fact]
    public async Task CheckAsync_MultipartFilePartThatIsText_IsRefusedByContent()
    {
        using var form = new MultipartFormDataContent("b0undary");
        form.Add(new StringContent("plain words"), "prompt");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("I am text, named like a PNG"));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "cat.png");
        var body = await form.ReadAsByteArrayAsync();

        var refusal = await RequestImages.CheckAsync(Rules, form.Headers.ContentType!.ToString(), body, CancellationToken.None);

        Assert.Equal("allowedTypes", refusal?.Rule);
        Assert.Equal(422, refusal?.Status);
    }

    [Fact]
    public async Task CheckAsync_RawGif_IsNotAnAllowedType()
    {
        byte[] gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0];

        var refusal = await RequestImages.CheckAsync(Rules, "image/gif", gif, CancellationToken.None);

        Assert.Equal("allowedTypes", refusal?.Rule);
        Assert.Contains("is gif", refusal!.Detail);
    }

    private static Task<ImageRefusal?> CheckAsync(string contentType, string body) =>
        RequestImages.CheckAsync(Rules, contentType, Encoding.UTF8.GetBytes(body), CancellationToken.None);
}
