namespace InferenceGateway.SampleModel.Api;

/// <summary>OpenAI's GET /v1/models and GET /v1/models/{id}.</summary>
internal static class ModelsEndpoint
{
    public static IResult List(ModelCatalog catalog)
    {
        return TypedResults.Json(new ModelList("list", catalog.Models), SampleModelJsonContext.Wire.ModelList, "application/json");
    }

    public static IResult Retrieve(string id, ModelCatalog catalog)
    {
        ModelCard card = catalog.Models.FirstOrDefault(model => string.Equals(model.Id, id, StringComparison.Ordinal))
            ?? throw new InvalidRequestException(
                $"The model '{id}' does not exist.", "model", "model_not_found", StatusCodes.Status404NotFound);

        return TypedResults.Json(card, SampleModelJsonContext.Wire.ModelCard, "application/json");
    }
}