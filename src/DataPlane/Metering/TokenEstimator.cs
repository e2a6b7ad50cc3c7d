using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Counts tokens with cl100k_base (Microsoft.ML.Tokenizers, data shipped in its package, so it works offline) for a
/// model that reports no usage: the prompt text of an OpenAI-style request and the text of its answer. Counts made
/// here are marked estimated in the ledger. Loaded on first use: a node whose models all report usage never pays for it.
/// </summary>
internal sealed class TokenEstimator
{
    private readonly Lazy<TiktokenTokenizer> _tokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt-4"));

    public long Count(string text) => text.Length == 0 ? 0 : _tokenizer.Value.CountTokens(text);

    /// <summary>Prompt text of a request body: <c>messages[].content</c> (text or text parts), <c>prompt</c> or <c>input</c>.</summary>
    public long CountRequest(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return 0;
            }

            var root = document.RootElement;
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
                    {
                        AppendText(content, text);
                    }
                }
            }

            foreach (var name in (ReadOnlySpan<string>)["prompt", "input"])
            {
                if (root.TryGetProperty(name, out var value))
                {
                    AppendText(value, text);
                }
            }
        }
        catch (JsonException)
        {
            return 0;
        }

        return Count(text.ToString());
    }

    /// <summary>Answer text of a JSON response: <c>choices[].message.content</c>, <c>choices[].text</c>, <c>output_text</c>.</summary>
    public long CountResponse(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        if (!TryAppendChoices(body, "message", text))
        {
            return 0;
        }

        return Count(text.ToString());
    }

    /// <summary>Answer text of a server-sent event stream: <c>choices[].delta.content</c> of every <c>data:</c> event.</summary>
    public long CountStream(ReadOnlySpan<byte> events)
    {
        var text = new StringBuilder();
        foreach (var line in Encoding.UTF8.GetString(events).Split('\n'))
        {
            var data = line.TrimEnd('\r');
            if (data.StartsWith("data:", StringComparison.Ordinal))
            {
                // Deltas are pieces of one text: joined as they come.
                var piece = new StringBuilder();
                TryAppendChoices(Encoding.UTF8.GetBytes(data[5..].Trim()), "delta", piece);
                text.Append(piece);
            }
        }

        return Count(text.ToString());
    }

    private static bool TryAppendChoices(ReadOnlySpan<byte> json, string part, StringBuilder text)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (choice.TryGetProperty(part, out var message) && message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
                    {
                        AppendText(content, text);
                    }

                    if (choice.TryGetProperty("text", out var completion))
                    {
                        AppendText(completion, text);
                    }
                }
            }

            if (root.TryGetProperty("output_text", out var output))
            {
                AppendText(output, text);
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AppendText(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                if (text.Length > 0)
                {
                    text.Append('\n');
                }

                text.Append(value.GetString());
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("text", out var part))
                    {
                        AppendText(part, text);
                    }
                    else if (item.ValueKind == JsonValueKind.String)
                    {
                        AppendText(item, text);
                    }
                }

                break;
        }
    }
}
