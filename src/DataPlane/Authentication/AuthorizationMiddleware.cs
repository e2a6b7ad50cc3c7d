using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The caller is of the path's tenant (checked at authentication); here: the tenant is active, the model
/// exists for it, and both the credential and the plan that applies to it allow the model.
/// </summary>
internal sealed class AuthorizationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var tenant = request.Tenant!;
        var caller = request.Caller!;
        if (tenant.Suspended)
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "The tenant is suspended.");
        }

        if (request.Route is not { } route)
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status404NotFound, "Not found", "The tenant has no model at this path.");
        }

        if (!caller.Allows(route.Model))
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "This credential or its plan does not allow this model.");
        }

        return next(context);
    }
}
