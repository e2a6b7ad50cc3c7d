using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// The endpoint's method allow-list: anything else gets 405 with <c>Allow</c> and is never forwarded. TRACE,
/// TRACK and CONNECT are outside every allow-list (a TRACE echo would carry the credential the gateway adds).
/// </summary>
internal sealed class MethodPolicyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var methods = context.Gateway().Route!.Methods;
        if (methods.Allows(context.Request.Method))
        {
            return next(context);
        }

        context.Response.Headers.Allow = methods.AllowHeader;
        return GatewayProblem.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed",
            "The model endpoint does not accept this method. The Allow header lists the ones it does.");
    }
}
