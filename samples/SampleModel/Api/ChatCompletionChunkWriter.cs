using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace InferenceGateway.SampleModel.Api;

/// <summary>
/// Writes a chat completion as OpenAI's server-sent events. The JSON is written by hand because OpenAI's chunks differ in
/// which fields are present (usage is null in every chunk only when usage was asked for), which a serializer cannot express.
/// </summary>
internal sealed class ChatCompletionChunkWriter(PipeWriter output, string id, long created, string model, bool includeUsage)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>OpenAI opens every stream with the role and an empty content.</summary>
    public Task WriteRoleAsync(CancellationToken cancellationToken)
    {
        return WriteChoiceAsync(
            delta =>
            {
                delta.WriteString("role", "assistant");
                delta.WriteString("content", string.Empty);
                delta.WriteNull("refusal");
            },
            finishReason: null,
            cancellationToken);
    }

    public Task WriteContentAsync(string content, CancellationToken cancellationToken)
    {
        return WriteChoiceAsync(delta => delta.WriteString("content", content), finishReason: null, cancellationToken);
    }

    /// <summary>The finishing chunk carries an empty delta and the finish reason.</summary>
    public Task WriteFinishAsync(string finishReason, CancellationToken cancellationToken)
    {
        return WriteChoiceAsync(_ => { }, finishReason, cancellationToken);
    }

    /// <summary>Sent only when usage was asked for: no choices, just the usage of the whole request.</summary>
    public Task WriteUsageAsync(CompletionUsage usage, CancellationToken cancellationToken)
    {
        return WriteEventAsync(
            json =>
            {
                json.WriteStartArray("choices");
                json.WriteEndArray();
                json.WriteStartObject("usage");
                json.WriteNumber("prompt_tokens", usage.PromptTokens);
                json.WriteNumber("completion_tokens", usage.CompletionTokens);
                json.WriteNumber("total_tokens", usage.TotalTokens);
                json.WriteEndObject();
            },
            cancellationToken);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await output.WriteAsync(Done, cancellationToken);
    }

    private Task WriteChoiceAsync(Action<Utf8JsonWriter> writeDelta, string? finishReason, CancellationToken cancellationToken)
    {
        return WriteEventAsync(
            json =>
            {
                json.WriteStartArray("choices");
                json.WriteStartObject();
                json.WriteNumber("index", 0);
                json.WriteStartObject("delta");
                writeDelta(json);
                json.WriteEndObject();
                json.WriteNull("logprobs");
                if (finishReason is null)
                {
                    json.WriteNull("finish_reason");
                }
                else
                {
                    json.WriteString("finish_reason", finishReason);
                }

                json.WriteEndObject();
                json.WriteEndArray();
                if (includeUsage)
                {
                    json.WriteNull("usage");
                }
            },
            cancellationToken);
    }

    private async Task WriteEventAsync(Action<Utf8JsonWriter> writeBody, CancellationToken cancellationToken)
    {
        output.Write(DataPrefix);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = SampleModelJsonContext.WireEncoder }))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "chat.completion.chunk");
            json.WriteNumber("created", created);
            json.WriteString("model", model);
            writeBody(json);
            json.WriteEndObject();
        }

        output.Write(EventEnd);
        // Each event is flushed on its own so that a client (or a gateway in between) sees tokens as they are produced.
        await output.FlushAsync(cancellationToken);
    }
}