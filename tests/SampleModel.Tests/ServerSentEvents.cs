using System.Text.Json;

namespace InferenceGateway.SampleModel.Tests;

/// <summary>Reads a chat completion stream the way OpenAI's clients do: "data: " events separated by blank lines.</summary>
internal sealed record ServerSentEvents(IReadOnlyList<JsonElement> Chunks, bool EndsWithDone)
{
    public static ServerSentEvents Parse(string body)
    {
        Assert.EndsWith("\n\n", body);
        string[] events = body[..^2].Split("\n\n");
        var chunks = new List<JsonElement>();
        for (int i = 0; i < events.Length; i++)
        {
            Assert.StartsWith("data: ", events[i]);
            string data = events[i]["data: ".Length..];
            if (data == "[DONE]")
            {
                Assert.Equal(events.Length - 1, i);
                return new ServerSentEvents(chunks, EndsWithDone: true);
            }

            chunks.Add(HttpJson.Parse(data));
        }

        return new ServerSentEvents(chunks, EndsWithDone: false);
    }

    /// <summary>The chunks that carry a choice, leaving out the trailing usage chunk.</summary>
    public IEnumerable<JsonElement> ChoiceChunks =>
        Chunks.Where(chunk => chunk.GetProperty("choices").GetArrayLength() > 0);

    public string Content => string.Concat(ChoiceChunks
        .Select(chunk => chunk.GetProperty("choices")[0].GetProperty("delta"))
        .Select(delta => delta.TryGetProperty("content", out JsonElement content) ? content.GetString() : null));
}