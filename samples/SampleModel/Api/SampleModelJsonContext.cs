using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceGateway.SampleModel.Api;

/// <summary>
/// OpenAI's wire format is snake_case throughout. Unknown request fields are ignored, as OpenAI-compatible servers commonly do.
/// The web defaults are deliberately not used: they accept numbers written as strings, and a wrongly typed field must be rejected.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ClassifyRequest))]
[JsonSerializable(typeof(ClassifyResponse))]
[JsonSerializable(typeof(ImageClassifyRequest))]
[JsonSerializable(typeof(ImageClassifyResponse))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class SampleModelJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Escapes only what JSON requires, as OpenAI does, so that text such as "don't" travels as written. The HTML-safe
    /// default escaping guards pages that embed JSON in script tags, which an API response never is.
    /// </summary>
    public static JavaScriptEncoder WireEncoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>
    /// Built on first use rather than in a static initializer, whose order against the generated <see cref="Default"/>
    /// across partial declarations is not defined. A race at most builds two equivalent contexts.
    /// </summary>
    public static SampleModelJsonContext Wire =>
        field ??= new SampleModelJsonContext(new JsonSerializerOptions(Default.Options) { Encoder = WireEncoder });
}