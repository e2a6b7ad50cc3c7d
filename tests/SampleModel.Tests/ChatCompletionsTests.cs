using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

[Collection(SampleModelServerCollection.Name)]
public sealed class ChatCompletionsTests(SampleModelServer server)
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task PostChatCompletions_ValidRequest_ReturnsOpenAiShapedCompletion()
    {
        JsonElement completion = await _client.PostForJsonAsync(
            "/v1/chat/completions", HttpJson.ChatRequest("What does a gateway do?", "\"seed\": 1"));

        Assert.StartsWith("chatcmpl-", completion.GetProperty("id").GetString());
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.True(completion.GetProperty("created").GetInt64() > 1_700_000_000);
        Assert.Equal("sample-trigram-1", completion.GetProperty("model").GetString());
        JsonElement choice = Assert.Single(completion.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").GetProperty("content").GetString()));
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
    }

    [Fact]
    public async Task PostChatCompletions_SystemAndUserMessages_ReportsExactTiktokenUsage()
    {
        const string system = "You are a helpful assistant that answers in one paragraph.";
        const string user = "Explain how a gateway counts tokens for billing.";
        string request = $$"""
            {"model":"sample-trigram-1","seed":3,"messages":[
              {"role":"system","content":"{{system}}"},
              {"role":"user","content":"{{user}}"}]}
            """;

        JsonElement completion = await _client.PostForJsonAsync("/v1/chat/completions", request);

        string content = completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        JsonElement usage = completion.GetProperty("usage");
        int expectedPrompt = Cl100k.Count(system) + Cl100k.Count(user);
        int expectedCompletion = Cl100k.Count(content);
        Assert.Equal(expectedPrompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expectedCompletion, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expectedPrompt + expectedCompletion, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task PostChatCompletions_FixedText_PromptTokensEqualTiktokenCount()
    {
        const string text = "The quick brown fox jumps over the lazy dog, then asks the gateway about tokenization!";

        JsonElement completion = await _client.PostForJsonAsync("/v1/chat/completions", HttpJson.ChatRequest(text));

        Assert.Equal(Cl100k.Count(text), completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task PostChatCompletions_ContentParts_CountsEachTextPart()
    {
        const string first = "Describe the weather";
        const string second = " in the mountains during winter.";
        string request = $$"""
            {"model":"sample-trigram-1","messages":[{"role":"user","content":[
              {"type":"text","text":"{{first}}"},{"type":"text","text":"{{second}}"}]}]}
            """;

        JsonElement completion = await _client.PostForJsonAsync("/v1/chat/completions", request);

        Assert.Equal(
            Cl100k.Count(first) + Cl100k.Count(second),
            completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task PostChatCompletions_SameSeed_ReturnsSameContent()
    {
        string request = HttpJson.ChatRequest("Tell me about rain in summer.", "\"seed\": 1234, \"temperature\": 1.2");

        string first = Content(await _client.PostForJsonAsync("/v1/chat/completions", request));
        string second = Content(await _client.PostForJsonAsync("/v1/chat/completions", request));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task PostChatCompletions_TemperatureZero_ReturnsSameContentWithoutSeed()
    {
        string request = HttpJson.ChatRequest("How does a gateway handle retries?", "\"temperature\": 0");

        string first = Content(await _client.PostForJsonAsync("/v1/chat/completions", request));
        string second = Content(await _client.PostForJsonAsync("/v1/chat/completions", request));

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("Tell me about the lighthouse.", "lighthouse")]
    [InlineData("How does a gateway handle retries?", "retries")]
    [InlineData("What do farmers sell at the market?", "market")]
    public async Task PostChatCompletions_PromptWithCorpusWord_ReplyContainsThatWord(string prompt, string keyword)
    {
        JsonElement completion = await _client.PostForJsonAsync(
            "/v1/chat/completions", HttpJson.ChatRequest(prompt, "\"seed\": 5"));

        Assert.Contains(keyword, Content(completion), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostChatCompletions_SmallMaxTokens_CutsReplyWithLengthFinish()
    {
        JsonElement completion = await _client.PostForJsonAsync(
            "/v1/chat/completions", HttpJson.ChatRequest("Tell me about the weather in the mountains.", "\"max_tokens\": 5, \"temperature\": 0"));

        string content = Content(completion);
        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, Cl100k.Count(content));
    }

    [Fact]
    public async Task PostChatCompletions_MaxCompletionTokens_IsHonouredLikeMaxTokens()
    {
        JsonElement completion = await _client.PostForJsonAsync(
            "/v1/chat/completions", HttpJson.ChatRequest("Tell me about the weather.", "\"max_completion_tokens\": 3, \"temperature\": 0"));

        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public async Task PostChatCompletions_AnyMaxTokens_NeverExceedsBudget(int maxTokens)
    {
        for (int seed = 0; seed < 25; seed++)
        {
            JsonElement completion = await _client.PostForJsonAsync(
                "/v1/chat/completions",
                HttpJson.ChatRequest("Why do tokens and streaming matter?", $"\"max_tokens\": {maxTokens}, \"seed\": {seed}, \"temperature\": 1.5"));

            string content = Content(completion);
            int completionTokens = completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
            string finishReason = completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString()!;
            Assert.Equal(Cl100k.Count(content), completionTokens);
            Assert.InRange(completionTokens, 1, maxTokens);
            if (finishReason == "length")
            {
                Assert.Equal(maxTokens, completionTokens);
            }
            else
            {
                Assert.Equal("stop", finishReason);
            }
        }
    }

    [Fact]
    public async Task PostChatCompletions_NoMaxTokens_EndsWithStopAtParagraphEnd()
    {
        JsonElement completion = await _client.PostForJsonAsync(
            "/v1/chat/completions", HttpJson.ChatRequest("How does a gateway handle retries?", "\"temperature\": 0"));

        Assert.Equal("stop", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Matches("[.!?]$", Content(completion));
    }

    [Fact]
    public async Task PostChatCompletions_UnlistedModelName_IsEchoedBack()
    {
        string request = """{"model":"my-endpoint","messages":[{"role":"user","content":"hello"}],"max_tokens":4}""";

        JsonElement completion = await _client.PostForJsonAsync("/v1/chat/completions", request);

        Assert.Equal("my-endpoint", completion.GetProperty("model").GetString());
    }

    private static string Content(JsonElement completion)
    {
        return completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}