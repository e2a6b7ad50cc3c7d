using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Quotas;

/// <summary>
/// The tenant's monthly quotas: under a hard quota a tenant that used one up gets 429 with the quota problem
/// type and <c>x-should-retry: false</c> (waiting does not help before the month ends); under a soft quota the
/// request goes on (the control plane records the quota event). Admitted requests are counted here; their tokens
/// when metered.
/// </summary>
internal sealed class QuotaMiddleware(RequestDelegate next, TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Gateway().Tenant!.Quota is not { } quota)
        {
            return next(context);
        }

        if (!quota.Soft && quota.Exhausted(time.GetUtcNow()) is { } which)
        {
            context.Response.Headers["x-should-retry"] = "false";
            return GatewayProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Quota exceeded",
                $"The tenant's monthly {which} quota is used up; requests are refused until the quota period (calendar month, UTC) ends or the plan changes.",
                GatewayProblem.QuotaExceededType);
        }

        quota.CountRequest();
        return next(context);
    }
}
