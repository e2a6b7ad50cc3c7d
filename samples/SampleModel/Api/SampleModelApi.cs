namespace InferenceGateway.SampleModel.Api;

internal static class SampleModelApi
{
    public static WebApplication MapSampleModelApi(this WebApplication app)
    {
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        app.MapPost("/v1/classify", ClassifyEndpoint.HandleAsync);
        app.MapPost("/v1/images/classify", ImageClassifyEndpoint.HandleAsync);
        app.MapGet("/v1/models", ModelsEndpoint.List);
        app.MapGet("/v1/models/{id}", ModelsEndpoint.Retrieve);
        app.MapGet("/healthz", (ModelCatalog catalog) => TypedResults.Json(
            new HealthResponse("ok", catalog.Models.Select(model => model.Id).ToList()),
            SampleModelJsonContext.Wire.HealthResponse,
            "application/json"));

        // OpenAI answers unknown URLs with a 404 in its error shape, which OpenAI clients turn into a NotFoundError.
        app.MapFallback((HttpContext context) => OpenAiErrorHandling.WriteAsync(
            context,
            StatusCodes.Status404NotFound,
            new InvalidRequestException($"Invalid URL ({context.Request.Method} {context.Request.Path}).", null, null).ToResponse()));
        return app;
    }
}