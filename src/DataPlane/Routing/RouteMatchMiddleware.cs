using InferenceGateway.DataPlane.Pipeline;
using Microsoft.AspNetCore.Http.Features;

namespace InferenceGateway.DataPlane.Routing;

/// <summary>
/// Finds the tenant and the route the path names. It does not answer "no such tenant or model" yet: that
/// waits until the caller has authenticated, so the gateway cannot be used to enumerate tenants and models.
/// </summary>
internal sealed class RouteMatchMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        switch (GatewayPath.Parse(raw, out var tenant, out var model, out var rest, out var query))
        {
            case PathMatch.NotGateway:
                return GatewayProblem.NotFoundAsync(context);
            case PathMatch.Invalid:
                return GatewayProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request",
                    "The request path is not valid: encoded slashes, backslashes, encoded dots, dot segments and NUL are not allowed.");
        }

        if (request.State is not { } state)
        {
            return GatewayProblem.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Not ready",
                "The gateway node has no configuration yet.");
        }

        request.Tenant = state.FindTenant(raw.AsSpan()[tenant]);
        request.Route = request.Tenant?.FindRoute(raw.AsSpan()[model]);
        request.RawRest = raw[rest];
        request.RawQuery = raw[query];
        return next(context);
    }
}
