using System.Net;
using System.Text;
using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

/// <summary>Sends raw JSON so that tests control the exact wire format, including malformed bodies.</summary>
internal static class HttpJson
{
    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(path, content);
    }

    public static async Task<JsonElement> PostForJsonAsync(this HttpClient client, string path, string json)
    {
        using HttpResponseMessage response = await client.PostAsync(path, json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Parse(body);
    }

    public static async Task<JsonElement> GetForJsonAsync(this HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 but got {(int)response.StatusCode}: {body}");
        return Parse(body);
    }

    public static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A chat request body with one user message and the given extra top-level fields.</summary>
    public static string ChatRequest(string userMessage, string extraFields = "")
    {
        string extra = extraFields.Length == 0 ? string.Empty : ", " + extraFields;
        return $$"""{"model":"sample-trigram-1","messages":[{"role":"user","content":{{JsonSerializer.Serialize(userMessage)}}}]{{extra}}}""";
    }
}