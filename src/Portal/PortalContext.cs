using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;

namespace InferenceGateway.Portal;

/// <summary>
/// Who the signed-in user is, from <c>GET /api/v1/me</c>, read once per circuit: the navigation and every page's
/// role check come from it. The API still decides every call; this only keeps the portal from offering what it refuses.
/// </summary>
internal sealed class PortalContext(IControlPlaneApi api)
{
    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Developer = "developer";
    public const string Finance = "finance";

    private Task<MeResponse>? _me;

    public Task<MeResponse> MeAsync(CancellationToken ct = default)
    {
        // A failed read is not kept: the next page tries again.
        if (_me is null || _me.IsFaulted || _me.IsCanceled)
        {
            _me = api.GetMeAsync(ct);
        }

        return _me;
    }

    public static bool IsPlatformAdmin(MeResponse me) => me.Roles.Contains(PlatformAdmin, StringComparer.Ordinal);

    /// <summary>Whether the user may open a page of the tenant that admits <paramref name="roles"/> (platform admins may open all).</summary>
    public static bool Allows(MeResponse me, Guid tenantId, IReadOnlyCollection<string> roles) =>
        IsPlatformAdmin(me) || (me.Tenants.FirstOrDefault(t => t.TenantId == tenantId) is { } tenant && roles.Contains(tenant.Role, StringComparer.Ordinal));
}
