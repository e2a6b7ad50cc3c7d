using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Pipeline;

/// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: it holds a snapshot and can serve (503 until then).</summary>
internal sealed class HealthMiddleware(RequestDelegate next, NodeConfig config)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path == "/healthz")
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"status\":\"alive\"}");
        }

        if (path == "/readyz")
        {
            var revision = config.Revision;
            context.Response.StatusCode = revision > 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(revision > 0
                ? $"{{\"status\":\"ready\",\"revision\":{revision}}}"
                : "{\"status\":\"not ready\",\"detail\":\"no configuration snapshot yet\"}");
        }

        return next(context);
    }
}
