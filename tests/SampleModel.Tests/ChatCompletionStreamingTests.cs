using System.Net;
using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

[Collection(SampleModelServerCollection.Name)]
public sealed class ChatCompletionStreamingTests(SampleModelServer server)
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task PostChatCompletions_Stream_ReturnsChunkEventsEndingInDone()
    {
        ServerSentEvents events = await StreamAsync(HttpJson.ChatRequest("Tell me about snow.", "\"stream\": true, \"seed\": 9"));

        Assert.True(events.EndsWithDone);
        Assert.True(events.Chunks.Count >= 3);
        string id = events.Chunks[0].GetProperty("id").GetString()!;
        Assert.StartsWith("chatcmpl-", id);
        Assert.All(events.Chunks, chunk =>
        {
            Assert.Equal(id, chunk.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            Assert.Equal("sample-trigram-1", chunk.GetProperty("model").GetString());
            Assert.False(chunk.TryGetProperty("usage", out _));
        });
        JsonElement firstDelta = events.Chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", firstDelta.GetProperty("role").GetString());
        JsonElement last = events.Chunks[^1].GetProperty("choices")[0];
        Assert.Contains(last.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        Assert.Equal(JsonValueKind.Null, events.Chunks[1].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
    }

    [Theory]
    [InlineData("Tell me about snow.", 512)]
    [InlineData("How do retries and timeouts protect a gateway?", 12)]
    [InlineData("hello", 1)]
    public async Task PostChatCompletions_StreamWithSeed_DeltasConcatenateToNonStreamingContent(string prompt, int maxTokens)
    {
        string fields = $"\"seed\": 77, \"max_tokens\": {maxTokens}";

        JsonElement completion = await _client.PostForJsonAsync("/v1/chat/completions", HttpJson.ChatRequest(prompt, fields));
        ServerSentEvents events = await StreamAsync(HttpJson.ChatRequest(prompt, fields + ", \"stream\": true"));

        JsonElement choice = completion.GetProperty("choices")[0];
        Assert.Equal(choice.GetProperty("message").GetProperty("content").GetString(), events.Content);
        Assert.Equal(
            choice.GetProperty("finish_reason").GetString(),
            events.Chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task PostChatCompletions_StreamWithIncludeUsage_SendsUsageChunkBeforeDone()
    {
        const string prompt = "Why does latency matter to users?";
        string fields = "\"seed\": 21, \"max_tokens\": 30";

        JsonElement completion = await _client.PostForJsonAsync("/v1/chat/completions", HttpJson.ChatRequest(prompt, fields));
        ServerSentEvents events = await StreamAsync(
            HttpJson.ChatRequest(prompt, fields + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}"));

        Assert.True(events.EndsWithDone);
        JsonElement usageChunk = events.Chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        JsonElement usage = usageChunk.GetProperty("usage");
        JsonElement expected = completion.GetProperty("usage");
        Assert.Equal(expected.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expected.GetProperty("total_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(Cl100k.Count(events.Content), usage.GetProperty("completion_tokens").GetInt32());
        Assert.All(events.Chunks.SkipLast(1), chunk => Assert.Equal(JsonValueKind.Null, chunk.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task PostChatCompletions_Stream_SendsOneTokenPerContentChunk()
    {
        ServerSentEvents events = await StreamAsync(HttpJson.ChatRequest(
            "Tell me about bread.", "\"seed\": 4, \"stream\": true, \"stream_options\": {\"include_usage\": true}"));

        int contentChunks = events.ChoiceChunks.Count(chunk =>
            chunk.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out JsonElement content)
            && content.GetString()!.Length > 0);
        Assert.Equal(events.Chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32(), contentChunks);
    }

    private async Task<ServerSentEvents> StreamAsync(string request)
    {
        using HttpResponseMessage response = await _client.PostAsync("/v1/chat/completions", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return ServerSentEvents.Parse(await response.Content.ReadAsStringAsync());
    }
}