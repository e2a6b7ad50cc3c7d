using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>
/// The OpenAPI document is the API's reference: every admin operation has a summary and declares the body of its
/// success (a 2xx response with a schema, or a declared 204 No Content), and no admin route hides from the document.
/// </summary>
public sealed partial class TypedApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private sealed record Operation(string Method, string Path, JsonNode Node)
    {
        public string Name => $"{Method} {Path}";
    }

    private async Task<IReadOnlyList<Operation>> DocumentOperationsAsync()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        return document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject()
                .Where(o => o.Key is not ("parameters" or "summary" or "description"))
                .Select(o => new Operation(o.Key.ToUpperInvariant(), p.Key.TrimEnd('/'), o.Value!)))
            .ToList();
    }

    [Fact]
    public async Task EveryOperation_HasASummary_AndASuccessResponseSchema()
    {
        var operations = await DocumentOperationsAsync();
        Assert.NotEmpty(operations);
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            if (string.IsNullOrWhiteSpace((string?)operation.Node["summary"]))
            {
                failures.Add($"{operation.Name} has no summary");
            }

            var responses = operation.Node["responses"]?.AsObject() ?? [];
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            var declared = success.Any(r => r.Key == "204"
                || r.Value?["content"]?.AsObject().Any(c => c.Value?["schema"] is JsonObject { Count: > 0 }) == true);
            if (!declared)
            {
                failures.Add($"{operation.Name} declares no 2xx response schema (responses: {string.Join(", ", responses.Select(r => r.Key))})");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryAdminRoute_IsInTheDocument()
    {
        var documented = (await DocumentOperationsAsync()).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {Constraint().Replace(e.RoutePattern.RawText!, "{$1}").TrimEnd('/')}"))
            .ToList();

        Assert.NotEmpty(routes);
        var missing = routes.Where(r => !documented.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "Admin routes missing from the OpenAPI document: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Document_DescribesFailures_AsProblemDetails()
    {
        var operations = await DocumentOperationsAsync();

        // A request body that fails validation is answered with a ValidationProblem the document describes.
        var createTenant = operations.Single(o => o.Name == "POST /api/v1/tenants");
        Assert.NotNull(createTenant.Node["responses"]?["400"]?["content"]?["application/problem+json"]);
        Assert.NotNull(createTenant.Node["responses"]?["201"]?["content"]?["application/json"]?["schema"]);
        var deleteEndpoint = operations.Single(o => o.Name == "DELETE /api/v1/tenants/{tenantId}/endpoints/{endpointId}");
        Assert.NotNull(deleteEndpoint.Node["responses"]?["204"]);
    }

    [GeneratedRegex(@"\{([a-zA-Z]+):[a-z]+\}")]
    private static partial Regex Constraint();
}
