using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace InferenceGateway.SampleModel.Api;

/// <summary>Reads a request body as a JSON object, turning every way it can be wrong into a 400 that names the offending field.</summary>
internal static class JsonBody
{
    public static async Task<T> ReadObjectAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        // Parsing and binding are separate steps so that malformed JSON and a wrongly typed field get different messages.
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            throw new InvalidRequestException(
                "We could not parse the JSON body of your request. The body must be a JSON object.", null, null);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException(
                    $"The request body must be a JSON object, but got {Describe(document.RootElement.ValueKind)} instead.", null, "invalid_type");
            }

            try
            {
                return document.RootElement.Deserialize(typeInfo)
                    ?? throw new InvalidRequestException("The request body must be a JSON object.", null, "invalid_type");
            }
            catch (JsonException wrongType)
            {
                string? param = ToParam(wrongType.Path);
                throw new InvalidRequestException(
                    param is null ? "The request body has a value of the wrong type." : $"Invalid type for '{param}'.",
                    param,
                    "invalid_type");
            }
        }
    }

    public static string Describe(JsonValueKind kind)
    {
        return kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }

    /// <summary>Turns System.Text.Json's "$.messages[0].role" into OpenAI's "messages[0].role".</summary>
    private static string? ToParam(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}