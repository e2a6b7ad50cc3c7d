namespace InferenceGateway.EndToEnd.Tests.Infrastructure;

/// <summary>The request-path tests share one control plane and one node; each test makes tenants of its own.</summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<SingleNodeCluster>
{
    public const string Name = "single node";
}
