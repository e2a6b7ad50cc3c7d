using System.Net;
using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

[Collection(SampleModelServerCollection.Name)]
public sealed class ErrorResponseTests(SampleModelServer server)
{
    private const string User = """{"role":"user","content":"hi"}""";

    private readonly HttpClient _client = server.Client;

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[", null)]
    [InlineData("", null)]
    [InlineData("[1, 2]", null)]
    [InlineData("{\"messages\":[" + User + "]}", "model")]
    [InlineData("{\"model\":7,\"messages\":[" + User + "]}", "model")]
    [InlineData("{\"model\":\"m\"}", "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":[]}", "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":\"hi\"}", "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":[null]}", "messages[0]")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]}", "messages[0].role")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", "messages[0].role")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}", "messages[0].content")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", "messages[0].content")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", "messages[0].content[0].type")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"max_tokens\":0}", "max_tokens")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"max_tokens\":4097}", "max_tokens")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"max_tokens\":\"10\"}", "max_tokens")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"max_tokens\":2.5}", "max_tokens")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"max_tokens\":1e12}", "max_tokens")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"max_completion_tokens\":-1}", "max_completion_tokens")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"temperature\":2.5}", "temperature")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"temperature\":-0.1}", "temperature")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"stream\":\"yes\"}", "stream")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"stream_options\":{\"include_usage\":true}}", "stream_options")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"seed\":\"abc\"}", "seed")]
    [InlineData("{\"model\":\"m\",\"messages\":[" + User + "],\"n\":2}", "n")]
    public async Task PostChatCompletions_InvalidRequest_Returns400WithOpenAiError(string body, string? expectedParam)
    {
        using HttpResponseMessage response = await _client.PostAsync("/v1/chat/completions", body);

        await AssertOpenAiErrorAsync(response, HttpStatusCode.BadRequest, expectedParam);
    }

    [Theory]
    [InlineData("{\"text\":\"\"}", "text")]
    [InlineData("{\"text\":\"   \"}", "text")]
    [InlineData("{\"input\":\"I love it\"}", "text")]
    [InlineData("{\"text\":12}", "text")]
    [InlineData("{\"text\":[\"a\"]}", "text")]
    [InlineData("not json", null)]
    [InlineData("\"just a string\"", null)]
    public async Task PostClassify_InvalidRequest_Returns400WithOpenAiError(string body, string? expectedParam)
    {
        using HttpResponseMessage response = await _client.PostAsync("/v1/classify", body);

        await AssertOpenAiErrorAsync(response, HttpStatusCode.BadRequest, expectedParam);
    }

    [Theory]
    [InlineData("GET", "/v1/unknown")]
    [InlineData("POST", "/v1/completions")]
    [InlineData("GET", "/")]
    public async Task Send_UnknownPath_Returns404WithOpenAiError(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using HttpResponseMessage response = await _client.SendAsync(request);

        await AssertOpenAiErrorAsync(response, HttpStatusCode.NotFound, expectedParam: null);
    }

    [Fact]
    public async Task GetModel_UnknownId_Returns404ModelNotFound()
    {
        using HttpResponseMessage response = await _client.GetAsync("/v1/models/no-such-model");

        JsonElement error = await AssertOpenAiErrorAsync(response, HttpStatusCode.NotFound, "model");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    private static async Task<JsonElement> AssertOpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? expectedParam)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        JsonElement root = HttpJson.Parse(body);
        JsonProperty only = Assert.Single(root.EnumerateObject());
        Assert.Equal("error", only.Name);
        JsonElement error = only.Value;
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        JsonElement param = error.GetProperty("param");
        if (expectedParam is null)
        {
            Assert.Equal(JsonValueKind.Null, param.ValueKind);
        }
        else
        {
            Assert.Equal(expectedParam, param.GetString());
        }

        Assert.True(error.TryGetProperty("code", out JsonElement code), "The error must carry a code, even a null one.");
        Assert.Contains(code.ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
        return error;
    }
}