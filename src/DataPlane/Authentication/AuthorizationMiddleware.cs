using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The authenticated key is of the path's tenant (checked at authentication); here: the tenant is active, the
/// model exists for it, and both the key and the plan allow the model.
/// </summary>
internal sealed class AuthorizationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var tenant = request.Tenant!;
        var key = request.Key!;
        if (tenant.Suspended)
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "The tenant is suspended.");
        }

        if (request.Route is not { } route)
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status404NotFound, "Not found", "The tenant has no model at this path.");
        }

        if ((key.AllowedModels is { } keyModels && !keyModels.Contains(route.Model))
            || (tenant.Plan.AllowedModels is { } planModels && !planModels.Contains(route.Model)))
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "This key or the tenant's plan does not allow this model.");
        }

        return next(context);
    }
}
