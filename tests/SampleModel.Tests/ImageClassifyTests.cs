using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using InferenceGateway.TestSupport;

namespace InferenceGateway.SampleModel.Tests;

[Collection(SampleModelServerCollection.Name)]
public sealed class ImageClassifyTests(SampleModelServer server)
{
    private readonly HttpClient _client = server.Client;

    /// <summary>Scenes rendered by make-images.py that the classifier never trained on (PNG and JPEG).</summary>
    public static TheoryData<string> HeldOutImages()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "heldout"), "*", SearchOption.AllDirectories).Order())
        {
            data.Add(Path.GetRelativePath(AppContext.BaseDirectory, path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HeldOutImages))]
    public async Task PostImagesClassify_HeldOutImageAsJson_ReturnsItsLabel(string relativePath)
    {
        byte[] image = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, relativePath));

        JsonElement result = await _client.PostForJsonAsync(
            "/v1/images/classify", $$"""{"image":"{{Convert.ToBase64String(image)}}"}""");

        Assert.Equal(ExpectedLabel(relativePath), result.GetProperty("label").GetString());
        var scores = result.GetProperty("scores").EnumerateArray().Select(s => (Label: s.GetProperty("label").GetString(), Score: s.GetProperty("score").GetDouble())).ToList();
        Assert.Equal(new[] { "circle", "square", "star", "triangle" }, scores.Select(s => s.Label).Order());
        Assert.Equal(1.0, scores.Sum(s => s.Score), 6);
        Assert.Equal(ExpectedLabel(relativePath), scores[0].Label);
    }

    [Theory]
    [MemberData(nameof(HeldOutImages))]
    public async Task PostImagesClassify_HeldOutImageAsMultipart_ReturnsItsLabel(string relativePath)
    {
        byte[] image = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, relativePath));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue(relativePath.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png");
        form.Add(file, "file", Path.GetFileName(relativePath));

        using HttpResponseMessage response = await _client.PostAsync("/v1/images/classify", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ExpectedLabel(relativePath), body.RootElement.GetProperty("label").GetString());
        Assert.Equal("sample-resnet18-shapes-1", body.RootElement.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("""{"image":"not base64 at all!"}""", HttpStatusCode.BadRequest, "invalid_base64")]
    [InlineData("""{"image":"aGVsbG8gd29ybGQ="}""", HttpStatusCode.BadRequest, "invalid_image")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "missing_required_parameter")]
    [InlineData("""{"image":"data:image/png,abc"}""", HttpStatusCode.BadRequest, "invalid_base64")]
    public async Task PostImagesClassify_BadImage_ReturnsOpenAiError(string json, HttpStatusCode status, string code)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using HttpResponseMessage response = await _client.PostAsync("/v1/images/classify", content);

        Assert.Equal(status, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task PostImagesClassify_HeaderDeclaresGigapixels_Returns413BeforeDecoding()
    {
        using var content = new StringContent(
            $$"""{"image":"{{Convert.ToBase64String(TestImages.PngHeader(20_000, 20_000))}}"}""", Encoding.UTF8, "application/json");

        using HttpResponseMessage response = await _client.PostAsync("/v1/images/classify", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("image_too_large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A truncated JPEG still decodes (the missing rows come out grey, as in most decoders); a truncated PNG does not.</summary>
    [Fact]
    public async Task PostImagesClassify_TruncatedPng_Returns400NotA500()
    {
        byte[] image = TestImages.HeldOut("star/star-01.png");
        byte[] truncated = image[..(image.Length / 2)];

        JsonElement error = await PostErrorAsync(truncated, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_image", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task PostImagesClassify_TextBody_Returns415()
    {
        using var content = new StringContent("hello", Encoding.UTF8, "text/plain");

        using HttpResponseMessage response = await _client.PostAsync("/v1/images/classify", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    private async Task<JsonElement> PostErrorAsync(byte[] image, HttpStatusCode status)
    {
        using var content = new StringContent($$"""{"image":"{{Convert.ToBase64String(image)}}"}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _client.PostAsync("/v1/images/classify", content);
        Assert.Equal(status, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").Clone();
    }

    private static string ExpectedLabel(string relativePath) => Path.GetFileName(Path.GetDirectoryName(relativePath))!;
}
