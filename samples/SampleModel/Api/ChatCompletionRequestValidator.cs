using System.Globalization;
using System.Text.Json;

namespace InferenceGateway.SampleModel.Api;

/// <summary>A chat request that passed validation, with defaults applied.</summary>
/// <param name="PromptTexts">Every text the messages carry: a string content is one text, an array content one text per part.</param>
/// <param name="LastUserMessage">The text of the last user message, which seeds generation.</param>
internal sealed record ValidChatRequest(
    string Model,
    IReadOnlyList<string> PromptTexts,
    string LastUserMessage,
    int MaxTokens,
    double Temperature,
    long? Seed,
    bool Stream,
    bool IncludeUsage);

/// <summary>Checks a chat request against the rules OpenAI enforces, with OpenAI's messages, params and codes.</summary>
internal static class ChatCompletionRequestValidator
{
    public const int DefaultMaxTokens = 512;
    public const int MaxTokensLimit = 4096;
    public const double DefaultTemperature = 1.0;
    public const double MaxTemperature = 2.0;

    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    public static ValidChatRequest Validate(ChatCompletionRequest request)
    {
        string model = RequireNonEmpty(request.Model, "model");
        if (request.Messages is null)
        {
            throw Missing("messages");
        }

        if (request.Messages.Count == 0)
        {
            throw new InvalidRequestException(
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                "messages",
                "empty_array");
        }

        var promptTexts = new List<string>();
        string lastUserMessage = string.Empty;
        for (int i = 0; i < request.Messages.Count; i++)
        {
            string param = $"messages[{i}]";
            ChatMessageRequest message = request.Messages[i]
                ?? throw new InvalidRequestException($"Invalid type for '{param}': expected an object, but got null instead.", param, "invalid_type");
            string role = RequireRole(message.Role, $"{param}.role");
            List<string> texts = ReadContent(message.Content, role, $"{param}.content");
            promptTexts.AddRange(texts);
            if (role == "user")
            {
                lastUserMessage = string.Join('\n', texts);
            }
        }

        CheckRange(request.MaxTokens, "max_tokens");
        CheckRange(request.MaxCompletionTokens, "max_completion_tokens");
        int maxTokens = request.MaxCompletionTokens ?? request.MaxTokens ?? DefaultMaxTokens;

        double temperature = request.Temperature ?? DefaultTemperature;
        if (temperature is < 0 or > MaxTemperature)
        {
            throw new InvalidRequestException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Invalid 'temperature': Expected a value between 0 and {MaxTemperature}, but got {temperature} instead."),
                "temperature",
                temperature < 0 ? "decimal_below_min_value" : "decimal_above_max_value");
        }

        if (request.N is { } n && n != 1)
        {
            throw new InvalidRequestException("Invalid 'n': this model only supports n=1.", "n", "invalid_value");
        }

        bool stream = request.Stream ?? false;
        if (request.StreamOptions is not null && !stream)
        {
            throw new InvalidRequestException(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", "invalid_value");
        }

        return new ValidChatRequest(
            model, promptTexts, lastUserMessage, maxTokens, temperature, request.Seed, stream, request.StreamOptions?.IncludeUsage ?? false);
    }

    private static string RequireNonEmpty(string? value, string param)
    {
        if (value is null)
        {
            throw Missing(param);
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRequestException($"Invalid '{param}': empty string. Expected a non-empty string.", param, "empty_string");
        }

        return value;
    }

    private static string RequireRole(string? role, string param)
    {
        if (role is null)
        {
            throw Missing(param);
        }

        if (!Roles.Contains(role, StringComparer.Ordinal))
        {
            throw new InvalidRequestException(
                $"Invalid value: '{role}'. Supported values are: {string.Join(", ", Roles.Select(known => $"'{known}'"))}.",
                param,
                "invalid_value");
        }

        return role;
    }

    /// <summary>Reads a string content, or the texts of an array of text parts. Only an assistant message may omit its content.</summary>
    private static List<string> ReadContent(JsonElement content, string role, string param)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return [content.GetString()!];
            case JsonValueKind.Undefined or JsonValueKind.Null when role == "assistant":
                return [];
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw Missing(param);
            case JsonValueKind.Array:
                var texts = new List<string>();
                int index = 0;
                foreach (JsonElement part in content.EnumerateArray())
                {
                    texts.Add(ReadTextPart(part, $"{param}[{index++}]"));
                }

                return texts;
            default:
                throw new InvalidRequestException(
                    $"Invalid type for '{param}': expected a string or an array of content parts, but got {JsonBody.Describe(content.ValueKind)} instead.",
                    param,
                    "invalid_type");
        }
    }

    private static string ReadTextPart(JsonElement part, string param)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(
                $"Invalid type for '{param}': expected an object, but got {JsonBody.Describe(part.ValueKind)} instead.", param, "invalid_type");
        }

        if (!part.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != "text")
        {
            throw new InvalidRequestException(
                $"Invalid value for '{param}.type': this model only accepts content parts of type 'text'.", $"{param}.type", "invalid_value");
        }

        if (!part.TryGetProperty("text", out JsonElement text) || text.ValueKind != JsonValueKind.String)
        {
            throw new InvalidRequestException(
                $"Invalid type for '{param}.text': expected a string.", $"{param}.text", "invalid_type");
        }

        return text.GetString()!;
    }

    private static void CheckRange(int? value, string param)
    {
        if (value is not { } tokens)
        {
            return;
        }

        if (tokens < 1)
        {
            throw new InvalidRequestException(
                $"Invalid '{param}': integer below minimum value. Expected a value >= 1, but got {tokens} instead.",
                param,
                "integer_below_min_value");
        }

        if (tokens > MaxTokensLimit)
        {
            throw new InvalidRequestException(
                $"Invalid '{param}': integer above maximum value. Expected a value <= {MaxTokensLimit}, but got {tokens} instead.",
                param,
                "integer_above_max_value");
        }
    }

    private static InvalidRequestException Missing(string param)
    {
        return new InvalidRequestException($"Missing required parameter: '{param}'.", param, "missing_required_parameter");
    }
}