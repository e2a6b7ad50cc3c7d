using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Rules;

/// <summary>
/// Image rules set on an endpoint through the admin API, then enforced by the node on real requests: what is refused
/// never reaches the upstream (each request carries a marker the upstream's log is searched for).
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class ImageRulesTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;
    private TenantSetup _tenant = null!;

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync("images");
        _tenant = await cluster.CreateTenantAsync(_upstream, model: "vision");
        await EndpointRulesSetup.PatchEndpointAsync(cluster, _tenant, new
        {
            imageRules = new
            {
                allowedTypes = new[] { "png", "jpeg" },
                maxEncodedBytes = 256 * 1024,
                maxWidth = 30_000,
                maxHeight = 30_000,
                maxPixels = 4096L * 4096,
                maxImages = 2,
                jsonPaths = new[] { "image" },
            },
        });
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Theory]
    [InlineData("star/star-01.png", "image/png")]
    [InlineData("circle/circle-03.jpg", "image/jpeg")]
    public async Task RawImageOfAnAllowedType_IsForwarded(string file, string type)
    {
        var (status, _, received) = await SendAsync(Raw(TestImages.HeldOut(file), type));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(received);
    }

    [Fact]
    public async Task PngAndJpegAsMultipartFileParts_AreForwarded()
    {
        var (status, _, received) = await SendAsync(Multipart(("a.png", TestImages.HeldOut("square/square-01.png")), ("b.jpg", TestImages.HeldOut("star/star-03.jpg"))));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("filename=b.jpg", Assert.Single(received).Body);
    }

    [Fact]
    public async Task Base64ImageInJson_IsForwarded()
    {
        var json = $$"""{"image":"{{Convert.ToBase64String(TestImages.HeldOut("triangle/triangle-01.png"))}}"}""";

        var (status, _, received) = await SendAsync(new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(received);
    }

    [Fact]
    public async Task TextFileNamedPng_IsRefusedByItsContent()
    {
        var text = Encoding.UTF8.GetBytes("This is not a picture of a cat.");

        var multipart = await SendAsync(Multipart(("cat.png", text)));
        var raw = await SendAsync(Raw(text, "image/png"));

        foreach (var (status, problem, received) in new[] { multipart, raw })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.Contains("'allowedTypes'", (string)problem["detail"]!);
            Assert.Empty(received);
        }
    }

    [Fact]
    public async Task GigapixelImageOfAFewKilobytes_IsRefusedBeforeTheUpstreamSeesAnything()
    {
        var bomb = TestImages.PngHeader(20_000, 20_000);
        Assert.InRange(bomb.Length, 1, 8 * 1024);

        var raw = await SendAsync(Raw(bomb, "image/png"));
        var multipart = await SendAsync(Multipart(("small.png", bomb)));
        var json = await SendAsync(new StringContent($$"""{"image":"{{Convert.ToBase64String(bomb)}}"}""", Encoding.UTF8, "application/json"));

        foreach (var (status, problem, received) in new[] { raw, multipart, json })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Contains("'maxPixels'", (string)problem["detail"]!);
            Assert.Contains("20000 x 20000", (string)problem["detail"]!);
            Assert.Empty(received);
        }
    }

    [Fact]
    public async Task MoreImagesThanAllowed_AreRefused()
    {
        var png = TestImages.HeldOut("circle/circle-01.png");

        var (status, problem, received) = await SendAsync(Multipart(("1.png", png), ("2.png", png), ("3.png", png)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("'maxImages'", (string)problem["detail"]!);
        Assert.Empty(received);
    }

    [Fact]
    public async Task BadBase64InTheImageField_Gets400()
    {
        var (status, problem, received) = await SendAsync(new StringContent("""{"image":"%%% not base64 %%%"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("base64", (string)problem["detail"]!);
        Assert.Empty(received);
    }

    [Fact]
    public async Task EndpointWithoutImageRules_ForwardsTheSameTextUnchecked()
    {
        var plain = await cluster.CreateTenantAsync(_upstream, model: "text");
        var marker = Guid.NewGuid().ToString("N");
        var content = Raw(Encoding.UTF8.GetBytes("This is not a picture of a cat."), "image/png");

        var response = await cluster.Client(0, plain.Key).PostAsync(plain.Path($"/images/classify?m={marker}"), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_upstream.Requests, r => r.PathAndQuery.Contains(marker));
    }

    private async Task<(HttpStatusCode Status, JsonObject Problem, List<RecordedRequest> Received)> SendAsync(HttpContent content)
    {
        var marker = Guid.NewGuid().ToString("N");
        using var response = await cluster.Client(0, _tenant.Key).PostAsync(_tenant.Path($"/images/classify?m={marker}"), content);
        var body = await response.Content.ReadAsStringAsync();
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonNode.Parse(body)!.AsObject() : [];
        return (response.StatusCode, problem, _upstream.Requests.Where(r => r.PathAndQuery.Contains(marker)).ToList());
    }

    private static ByteArrayContent Raw(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static MultipartFormDataContent Multipart(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent("sample-resnet18-shapes-1"), "model" } };
        foreach (var (name, bytes) in files)
        {
            form.Add(Raw(bytes, name.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png"), "file", name);
        }

        return form;
    }
}
