using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Blocking;

/// <summary>
/// Temporary blocks on client networks and tenants, checked before any key lookup so a blocked source costs
/// as little as possible. Blocks on a key are checked right after authentication.
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
            if (blocks.IsNetworkBlocked(context.Connection.RemoteIpAddress, now) || (request.Tenant is { } tenant && blocks.IsTenantBlocked(tenant.Id, now)))
            {
                return Blocked(context);
            }
        }

        return next(context);
    }

    public static Task Blocked(HttpContext context) =>
        GatewayProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "Access is temporarily blocked.");
}
