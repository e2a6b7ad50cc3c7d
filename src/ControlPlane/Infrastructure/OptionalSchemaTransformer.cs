using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>Shows an <see cref="Optional{T}"/> PATCH field in the OpenAPI document as the type it wraps.</summary>
internal sealed class OptionalSchemaTransformer : IOpenApiSchemaTransformer
{
    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(Optional<>))
        {
            return;
        }

        var inner = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken);
        schema.Type = inner.Type;
        schema.Format = inner.Format;
        schema.Items = inner.Items;
        schema.Properties = inner.Properties;
        schema.Required = inner.Required;
        schema.Description = "Omit to leave unchanged.";
    }
}
