using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>A node checks the endpoint rules it receives with the same bounds as the admin API, and rejects the whole input otherwise.</summary>
public sealed class EndpointRulesApplyTests
{
    private static readonly ImageRulesSnapshot Images = new()
    {
        AllowedTypes = ["png"], MaxEncodedBytes = 1024, MaxWidth = 10, MaxHeight = 10, MaxPixels = 100, MaxImages = 1, JsonPaths = ["image"],
    };

    [Fact]
    public void Build_ValidRules_AreReadyOnTheRoute()
    {
        var snapshot = WithRules(Images, new OutputHardeningSnapshot { ScoresPath = "scores", TopK = 1, MaxResponseBytes = 4096 });

        var state = NodeStateBuilder.Build(snapshot, DateTimeOffset.UtcNow, []);

        var route = state!.TenantsBySlug.Values.First().FindRoute("chat")!;
        Assert.Equal(1024, route.ImageRules!.MaxEncodedBytes);
        Assert.Equal(4096, route.OutputHardening!.MaxResponseBytes);
    }

    [Fact]
    public void Build_RulesOutOfBounds_RejectsTheSnapshotNamingEveryField()
    {
        var snapshot = WithRules(Images with { AllowedTypes = ["svg"], MaxImages = 1000, JsonPaths = ["a[0]"] }, new OutputHardeningSnapshot { TopK = 1, MaxResponseBytes = 4096 });
        var errors = new List<string>();

        var state = NodeStateBuilder.Build(snapshot, DateTimeOffset.UtcNow, errors);

        Assert.Null(state);
        var error = Assert.Single(errors);
        Assert.Contains("imageRules.allowedTypes", error);
        Assert.Contains("imageRules.maxImages", error);
        Assert.Contains("imageRules.jsonPaths", error);
        Assert.Contains("outputHardening.scoresPath", error);
    }

    private static ConfigSnapshot WithRules(ImageRulesSnapshot images, OutputHardeningSnapshot hardening)
    {
        var (snapshot, _) = SnapshotFactory.Create(1, tenants: 1);
        return snapshot with { Routes = [snapshot.Routes[0] with { ImageRules = images, OutputHardening = hardening }] };
    }
}
