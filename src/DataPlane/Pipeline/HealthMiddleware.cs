using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Pipeline;

/// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: it holds a snapshot and can serve (503 until then, and from the moment it starts shutting down).</summary>
internal sealed class HealthMiddleware(RequestDelegate next, NodeConfig config, IHostApplicationLifetime lifetime)
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
            // The revision is not shown: anyone can call this, and the fleet view has it for operators.
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Shutting down: balancers stop sending at once while the node drains what it has in flight.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("{\"status\":\"stopping\"}");
            }

            var state = config.Current;
            context.Response.StatusCode = state is not null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(state is not null
                ? "{\"status\":\"ready\"}"
                : "{\"status\":\"not ready\",\"detail\":\"no configuration snapshot yet\"}");
        }

        return next(context);
    }
}
