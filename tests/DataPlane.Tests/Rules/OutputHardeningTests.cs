using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Rules;

namespace InferenceGateway.DataPlane.Tests.Rules;

public sealed class OutputHardeningTests
{
    private const string ThreeClasses =
        """{"model":"m","label":"cat","scores":[{"label":"dog","score":0.2512345},{"label":"cat","score":0.6987654},{"label":"fox","score":0.05}],"logits":[1.5,2.5,0.1]}""";

    [Fact]
    public void Rewrite_TopOneRoundedWithoutLogits_KeepsOnlyTheBestLabel()
    {
        var hardening = new OutputHardening(new OutputHardeningSnapshot
        {
            ScoresPath = "scores", TopK = 1, ScoreDecimals = 2, RemoveFields = ["logits"], MaxResponseBytes = 4096,
        });

        var result = JsonNode.Parse(hardening.Rewrite(Encoding.UTF8.GetBytes(ThreeClasses))!)!;

        var scores = result["scores"]!.AsArray();
        Assert.Single(scores);
        Assert.Equal("cat", (string)scores[0]!["label"]!);
        Assert.Equal(0.7, (double)scores[0]!["score"]!);
        Assert.Null(result["logits"]);
        Assert.Equal("cat", (string)result["label"]!);
    }

    [Fact]
    public void Rewrite_ScoreMap_KeepsTheTopTwoHighestFirst()
    {
        var hardening = new OutputHardening(new OutputHardeningSnapshot { ScoresPath = "scores", TopK = 2, ScoreDecimals = 3, MaxResponseBytes = 4096 });

        var result = JsonNode.Parse(hardening.Rewrite("""{"scores":{"negative":0.1234,"neutral":0.3001,"positive":0.5765}}"""u8)!)!;

        Assert.Equal("""{"positive":0.577,"neutral":0.3}""", result["scores"]!.ToJsonString());
    }

    [Fact]
    public void Rewrite_NestedRemovals_RemoveFieldsInEveryElement()
    {
        var hardening = new OutputHardening(new OutputHardeningSnapshot { RemoveFields = ["data[*].embedding", "usage"], MaxResponseBytes = 4096 });

        var result = hardening.Rewrite("""{"data":[{"index":0,"embedding":[0.1]},{"index":1,"embedding":[0.2]}],"usage":{"total_tokens":3}}"""u8);

        Assert.Equal("""{"data":[{"index":0},{"index":1}]}""", Encoding.UTF8.GetString(result!));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"label":"cat"}""")]
    [InlineData("""{"scores":"high"}""")]
    [InlineData("""{"scores":[{"label":"cat","score":"0.9"}]}""")]
    public void Rewrite_NotTheDeclaredShape_IsNullSoTheAnswerPassesUnchanged(string body)
    {
        var hardening = new OutputHardening(new OutputHardeningSnapshot { ScoresPath = "scores", TopK = 1, MaxResponseBytes = 4096 });

        Assert.Null(hardening.Rewrite(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Validate_EveryProblemAtOnce()
    {
        var errors = new List<(string Field, string Message)>();

        EndpointRules.Validate(new OutputHardeningSnapshot { TopK = 0, ScoreDecimals = 9, RemoveFields = ["a..b"], ScoreField = "", MaxResponseBytes = 10 }, "outputHardening", errors);

        Assert.Equal(
            new[] { "outputHardening.maxResponseBytes", "outputHardening.removeFields", "outputHardening.scoreDecimals", "outputHardening.scoreField", "outputHardening.scoresPath", "outputHardening.topK" },
            errors.Select(e => e.Field).Distinct().Order());
    }
}
