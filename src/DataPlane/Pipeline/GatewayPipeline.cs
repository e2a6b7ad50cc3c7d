using InferenceGateway.DataPlane.Authentication;
using InferenceGateway.DataPlane.Blocking;
using InferenceGateway.DataPlane.Forwarding;
using InferenceGateway.DataPlane.Metering;
using InferenceGateway.DataPlane.Quotas;
using InferenceGateway.DataPlane.RateLimiting;
using InferenceGateway.DataPlane.Routing;
using InferenceGateway.DataPlane.Rules;

namespace InferenceGateway.DataPlane.Pipeline;

/// <summary>The request path of a data-plane node, in order. The order is the design; each line says why it is there.</summary>
public static class GatewayPipeline
{
    public static IApplicationBuilder UseDataPlane(this IApplicationBuilder app)
    {
        app.UseMiddleware<HealthMiddleware>();                 // probes answer without ids, logging or configuration
        app.UseMiddleware<RequestContextMiddleware>();         // request id, one configuration revision, access log, last-resort 500
        app.UseMiddleware<RouteMatchMiddleware>();             // tenant and model from the raw target: the values authorization will use
        app.UseMiddleware<BlocklistMiddleware>();              // blocked networks and tenants cost nothing more than this
        app.UseMiddleware<AuthenticationMiddleware>();         // who is calling (API key or JWT, told by form): one caller, one uniform 401; its blocks right after
        app.UseMiddleware<AuthorizationMiddleware>();          // the caller's tenant is the path's; tenant active; model exists and the caller may call it
        app.UseMiddleware<MethodPolicyMiddleware>();           // the endpoint's methods only (never TRACE): refused before any limit or body is spent
        app.UseMiddleware<RateLimitMiddleware>();              // only authorized traffic spends tokens: per credential, then per tenant
        app.UseMiddleware<ConcurrencyLimitMiddleware>();       // requests in flight per credential and tenant, held until the response ends
        app.UseMiddleware<QuotaMiddleware>();                  // the month's quota after the rate limits: a limited request spends none of it
        app.UseMiddleware<RequestBodyMiddleware>();            // size and content rules read the body before anything goes upstream
        app.UseMiddleware<ImageRulesMiddleware>();             // the endpoint's image rules on the buffered body, from headers only, before the upstream
        app.UseMiddleware<Budgets.BudgetMiddleware>();         // spend budgets reserve the worst case from the read body, after every free refusal; settled when the answer ends
        app.UseMiddleware<MeteringMiddleware>();               // last before forwarding: the ledger holds what reached the model, with the body still readable
        var forwarding = app.ApplicationServices.GetRequiredService<ForwardingHandler>();
        app.Run(forwarding.HandleAsync);                       // to the tenant's own endpoint; output rules in the transformer
        return app;
    }
}
