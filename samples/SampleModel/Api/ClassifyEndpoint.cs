using InferenceGateway.SampleModel.Classifier;
using InferenceGateway.SampleModel.Tokenization;

using Microsoft.Extensions.Options;

namespace InferenceGateway.SampleModel.Api;

/// <summary>POST /v1/classify: the sentiment of one text, with a probability for every label.</summary>
internal static class ClassifyEndpoint
{
    public static async Task HandleAsync(
        HttpContext context, NaiveBayesClassifier classifier, TokenCounter tokens, IOptions<SampleModelOptions> options)
    {
        ClassifyRequest request = await JsonBody.ReadObjectAsync(
            context.Request, SampleModelJsonContext.Wire.ClassifyRequest, context.RequestAborted);
        if (request.Text is null)
        {
            throw new InvalidRequestException("Missing required parameter: 'text'.", "text", "missing_required_parameter");
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new InvalidRequestException("Invalid 'text': empty string. Expected a non-empty string.", "text", "empty_string");
        }

        Classification result = classifier.Classify(request.Text);
        int promptTokens = tokens.Count(request.Text);
        var response = new ClassifyResponse(
            request.Model ?? options.Value.ClassifierModelId,
            result.Label,
            result.Scores,
            new ClassifyUsage(promptTokens, promptTokens));
        await context.Response.WriteAsJsonAsync(
            response, SampleModelJsonContext.Wire.ClassifyResponse, "application/json", context.RequestAborted);
    }
}