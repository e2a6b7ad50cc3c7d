using Microsoft.Extensions.Options;

namespace InferenceGateway.SampleModel.Api;

/// <summary>The models this server lists. They are trained at start-up, so that is when they were "created".</summary>
internal sealed class ModelCatalog(IOptions<SampleModelOptions> options, TimeProvider time)
{
    private const string Owner = "inference-gateway-samples";

    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public IReadOnlyList<ModelCard> Models =>
    [
        new ModelCard(options.Value.ChatModelId, "model", _created, Owner),
        new ModelCard(options.Value.ClassifierModelId, "model", _created, Owner),
        new ModelCard(options.Value.ImageModelId, "model", _created, Owner),
    ];
}