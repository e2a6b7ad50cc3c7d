using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>The tenant roles an endpoint of the tenant group admits. The most specific declaration wins.</summary>
internal sealed class TenantRolesMetadata(params string[] roles)
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

internal static class TenantAccess
{
    public const string TenantIdRouteValue = "tenantId";

    /// <summary>Declares which tenant roles may call the endpoints (platform admins always may).</summary>
    public static TBuilder AllowTenantRoles<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        if (roles.Any(r => !Roles.IsTenantRole(r)))
        {
            throw new ArgumentException("Only tenant roles can be allowed on tenant routes.", nameof(roles));
        }

        return builder.WithMetadata(new TenantRolesMetadata(roles));
    }
}

/// <summary>
/// The filter of the tenant route group: a caller without a membership in the path's tenant learns nothing about it
/// (404, the same answer as for a tenant that does not exist); a member whose role the endpoint does not admit gets
/// 403. Platform admins pass; the handlers still answer 404 for a tenant that does not exist.
/// </summary>
internal sealed class TenantAccessFilter(AdminCallerAccessor callers) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = callers.Caller;
        if (caller.IsPlatformAdmin)
        {
            return await next(context);
        }

        if (!Guid.TryParse(http.GetRouteValue(TenantAccess.TenantIdRouteValue) as string, out var tenantId) || caller.RoleIn(tenantId) is not { } role)
        {
            return Problems.NotFound("tenant");
        }

        var allowed = http.GetEndpoint()?.Metadata.GetMetadata<TenantRolesMetadata>()?.Roles ?? [Roles.TenantAdmin];
        return allowed.Contains(role, StringComparer.Ordinal)
            ? await next(context)
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"The role '{role}' does not allow this operation in this tenant.");
    }
}
