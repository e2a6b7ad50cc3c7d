using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

[Collection(SampleModelServerCollection.Name)]
public sealed class ClassifyTests(SampleModelServer server)
{
    private readonly HttpClient _client = server.Client;

    [Theory]
    [InlineData("I love this, it is wonderful and works perfectly!", "positive")]
    [InlineData("Fantastic support and a great product, I am delighted.", "positive")]
    [InlineData("This is terrible, broken and a complete waste of money.", "negative")]
    [InlineData("The staff were rude and the food was awful.", "negative")]
    [InlineData("The meeting is scheduled for Monday on the second floor.", "neutral")]
    public async Task PostClassify_ObviousText_ReturnsExpectedLabel(string text, string expectedLabel)
    {
        JsonElement result = await ClassifyAsync(text);

        Assert.Equal(expectedLabel, result.GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("I love this, it is wonderful")]
    [InlineData("The gateway forwards requests")]
    [InlineData("zzz qqq words the model never saw")]
    public async Task PostClassify_AnyText_ScoresSumToOneAndLabelScoresHighest(string text)
    {
        JsonElement result = await ClassifyAsync(text);

        Dictionary<string, double> scores = result.GetProperty("scores").EnumerateObject()
            .ToDictionary(score => score.Name, score => score.Value.GetDouble());
        Assert.Equal(new[] { "negative", "neutral", "positive" }, scores.Keys.Order());
        Assert.Equal(1.0, scores.Values.Sum(), 9);
        Assert.All(scores.Values, score => Assert.InRange(score, 0.0, 1.0));
        Assert.Equal(scores.MaxBy(score => score.Value).Key, result.GetProperty("label").GetString());
    }

    [Fact]
    public async Task PostClassify_FixedText_ReportsTiktokenPromptTokens()
    {
        const string text = "Honestly, the new release isn't bad: latency dropped by 35% and the docs are clearer.";

        JsonElement result = await ClassifyAsync(text);

        JsonElement usage = result.GetProperty("usage");
        Assert.Equal(Cl100k.Count(text), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(Cl100k.Count(text), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal("sample-sentiment-1", result.GetProperty("model").GetString());
    }

    private Task<JsonElement> ClassifyAsync(string text)
    {
        return _client.PostForJsonAsync("/v1/classify", $$"""{"text":{{JsonSerializer.Serialize(text)}}}""");
    }
}