using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

public sealed class OpenApiDocumentTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Document_IsNamedAfterTheProduct_AndDescribesTheIdentityOperations()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.Equal("Inference Gateway control plane API", (string)document["info"]!["title"]!);

        // The identity operations each carry a summary; the sign-in and OAuth protocol endpoints are not admin operations.
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!)))
            .ToList();
        var identity = operations.Where(o => o.Path.Contains("/members", StringComparison.Ordinal) || o.Path.Contains("/invitations", StringComparison.Ordinal)
            || o.Path.Contains("/oauth-clients", StringComparison.Ordinal) || o.Path.EndsWith("/me", StringComparison.Ordinal)).ToList();
        Assert.Equal(13, identity.Count);
        Assert.All(identity, o => Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["summary"]), $"{o.Method} {o.Path} has no summary"));
        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/connect", StringComparison.Ordinal) || o.Path.StartsWith("/account", StringComparison.Ordinal));
    }
}
