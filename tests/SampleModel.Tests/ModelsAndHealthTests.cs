using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

[Collection(SampleModelServerCollection.Name)]
public sealed class ModelsAndHealthTests(SampleModelServer server)
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task GetModels_Always_ListsChatAndClassifierModelsInOpenAiShape()
    {
        JsonElement list = await _client.GetForJsonAsync("/v1/models");

        Assert.Equal("list", list.GetProperty("object").GetString());
        JsonElement[] models = list.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(new[] { "sample-trigram-1", "sample-sentiment-1", "sample-resnet18-shapes-1" }, models.Select(model => model.GetProperty("id").GetString()));
        Assert.All(models, model =>
        {
            Assert.Equal("model", model.GetProperty("object").GetString());
            Assert.True(model.GetProperty("created").GetInt64() > 1_700_000_000);
            Assert.False(string.IsNullOrEmpty(model.GetProperty("owned_by").GetString()));
        });
    }

    [Fact]
    public async Task GetModel_KnownId_ReturnsModelCard()
    {
        JsonElement model = await _client.GetForJsonAsync("/v1/models/sample-sentiment-1");

        Assert.Equal("sample-sentiment-1", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
    }

    [Fact]
    public async Task GetHealthz_Always_ReturnsOk()
    {
        JsonElement health = await _client.GetForJsonAsync("/healthz");

        Assert.Equal("ok", health.GetProperty("status").GetString());
    }
}