using System.Text.Json;

namespace InferenceGateway.SampleModel.Api;

// Request properties are nullable so that a missing field reaches validation, which names it in OpenAI's error shape.
internal sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    public List<ChatMessageRequest?>? Messages { get; set; }

    public int? MaxTokens { get; set; }

    /// <summary>The newer name OpenAI gives max_tokens; current OpenAI SDKs may send either.</summary>
    public int? MaxCompletionTokens { get; set; }

    public double? Temperature { get; set; }

    public bool? Stream { get; set; }

    public StreamOptionsRequest? StreamOptions { get; set; }

    public long? Seed { get; set; }

    public int? N { get; set; }
}

internal sealed class ChatMessageRequest
{
    public string? Role { get; set; }

    /// <summary>Either a string or an array of content parts, so it is read as raw JSON and interpreted during validation.</summary>
    public JsonElement Content { get; set; }
}

internal sealed class StreamOptionsRequest
{
    public bool? IncludeUsage { get; set; }
}

internal sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatCompletionChoice> Choices,
    CompletionUsage Usage);

internal sealed record ChatCompletionChoice(int Index, AssistantMessage Message, string? Logprobs, string FinishReason);

internal sealed record AssistantMessage(string Role, string Content, string? Refusal);

internal sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens);