using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Blocking;

/// <summary>
/// Temporary blocks on client networks, checked before any key lookup so a blocked source costs as little as
/// possible. Blocks on a key or a tenant are checked right after authentication: answering them earlier would
/// tell an unauthenticated caller that the tenant exists.
/// </summary>
internal sealed class BlocklistMiddleware(RequestDelegate next, TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Gateway();
        var blocks = request.State!.Blocks;
        if (!blocks.IsEmpty)
        {
            var now = time.GetUtcNow();
            if (blocks.IsNetworkBlocked(context.Connection.RemoteIpAddress, now))
            {
                return Blocked(context);
            }
        }

        return next(context);
    }

    public static Task Blocked(HttpContext context) =>
        GatewayProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "Access is temporarily blocked.");
}
