using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceGateway.ControlPlane.Tests.Infrastructure;

/// <summary>Small helpers that keep the tests about behaviour rather than HTTP plumbing.</summary>
public static class Api
{
    public static async Task<JsonObject> PostOkAsync(this HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {url}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> PatchAsync(this HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PatchAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"PATCH {url}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts a ProblemDetails response with the status and returns it.</summary>
    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        return problem;
    }

    public static IReadOnlyList<string> Errors(this JsonObject problem, string field) =>
        problem["errors"]?[field]?.AsArray().Select(e => (string)e!).ToList() ?? [];

    public static async Task<JsonObject> CreatePlanAsync(this HttpClient admin, object? limits = null, string? name = null) =>
        await admin.PostOkAsync("/api/v1/plans", new { name = name ?? $"plan-{Guid.NewGuid():N}", limits = limits ?? new { } });

    public static async Task<(string Id, string Slug)> CreateTenantAsync(this HttpClient admin, string? planId = null)
    {
        planId ??= (string)(await admin.CreatePlanAsync())["id"]!;
        var slug = $"t-{Guid.NewGuid():N}"[..20];
        var tenant = await admin.PostOkAsync("/api/v1/tenants", new { slug, displayName = "Tenant " + slug, planId });
        return ((string)tenant["id"]!, slug);
    }

    public static StringContent Json(string raw) => new(raw, System.Text.Encoding.UTF8, "application/json");

    public static string Id(this JsonObject o) => (string)o["id"]!;

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
