using System.Text.Json;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InferenceGateway.SampleModel.Tests;

public sealed class SampleModelHostTests
{
    [Fact]
    public async Task Create_ConfigureSetsModelIds_ModelsListsConfiguredIds()
    {
        await using WebApplication app = SampleModelServer.Create(builder =>
        {
            builder.Configuration["SampleModel:ChatModelId"] = "demo-chat";
            builder.Configuration["SampleModel:ClassifierModelId"] = "demo-sentiment";
            builder.Configuration["SampleModel:ImageModelId"] = "demo-vision";
        });
        await app.StartAsync();
        using HttpClient client = SampleModelServer.CreateClient(app);

        JsonElement list = await client.GetForJsonAsync("/v1/models");

        Assert.Equal(
            new[] { "demo-chat", "demo-sentiment", "demo-vision" },
            list.GetProperty("data").EnumerateArray().Select(model => model.GetProperty("id").GetString()));
        await app.StopAsync();
    }

    [Fact]
    public async Task Create_StreamChunkDelayConfigured_StillStreamsCompleteReply()
    {
        await using WebApplication app = SampleModelServer.Create(builder =>
            builder.Configuration["SampleModel:StreamChunkDelayMilliseconds"] = "1");
        await app.StartAsync();
        using HttpClient client = SampleModelServer.CreateClient(app);
        string fields = "\"seed\": 2, \"max_tokens\": 10";

        JsonElement completion = await client.PostForJsonAsync("/v1/chat/completions", HttpJson.ChatRequest("rivers", fields));
        using HttpResponseMessage streamed = await client.PostAsync(
            "/v1/chat/completions", HttpJson.ChatRequest("rivers", fields + ", \"stream\": true"));
        ServerSentEvents events = ServerSentEvents.Parse(await streamed.Content.ReadAsStringAsync());

        Assert.True(events.EndsWithDone);
        Assert.Equal(completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), events.Content);
        await app.StopAsync();
    }

    [Fact]
    public async Task WebApplicationFactory_SampleModelMarker_ServesInMemory()
    {
        await using var factory = new WebApplicationFactory<SampleModelMarker>();
        using HttpClient client = factory.CreateClient();

        JsonElement completion = await client.PostForJsonAsync(
            "/v1/chat/completions", HttpJson.ChatRequest("Tell me about clouds.", "\"max_tokens\": 8, \"seed\": 1"));

        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.InRange(completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 8);
    }
}