using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;

namespace InferenceGateway.Portal;

internal sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

internal sealed record TenantItem(Guid Id, string Slug, string DisplayName, string Status, Guid PlanId, DateTimeOffset CreatedAt);

internal sealed record PlanItem(Guid Id, string Name);

internal sealed record NodeItem(
    string NodeId, string Version, string State, long AppliedRevision, long CurrentRevision, long Lag, DateTimeOffset LastSeenAt, string? LastApplyError);

internal sealed record FleetView(long CurrentRevision, IReadOnlyList<NodeItem> Nodes);

internal sealed record AuditItem(DateTimeOffset At, string Actor, Guid? TenantId, string Action, string Target, string Summary);

/// <summary>
/// Calls the control-plane API with the signed-in operator's own credential (never a portal-wide one), so the
/// portal can do no more than its user.
/// </summary>
internal sealed class ControlPlaneClient(HttpClient http, IHttpContextAccessor context)
{
    public const string TokenClaim = "igw:admin-token";

    /// <summary>Whether the control plane accepts <paramref name="token"/> as a platform-admin credential.</summary>
    public async Task<bool> AcceptsAsync(string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/plans?pageSize=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public Task<PagedList<TenantItem>?> TenantsAsync(int page, CancellationToken cancellationToken) => GetAsync<PagedList<TenantItem>>($"api/v1/tenants?page={page}&pageSize=50", cancellationToken);

    public Task<PagedList<PlanItem>?> PlansAsync(CancellationToken cancellationToken) => GetAsync<PagedList<PlanItem>>("api/v1/plans?pageSize=200", cancellationToken);

    public Task<FleetView?> FleetAsync(CancellationToken cancellationToken) => GetAsync<FleetView>("api/v1/dataplane/nodes", cancellationToken);

    public Task<PagedList<AuditItem>?> AuditAsync(CancellationToken cancellationToken) => GetAsync<PagedList<AuditItem>>("api/v1/audit?pageSize=20", cancellationToken);

    private async Task<T?> GetAsync<T>(string url, CancellationToken cancellationToken)
    {
        var token = context.HttpContext?.User.FindFirstValue(TokenClaim) ?? throw new InvalidOperationException("Not signed in.");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(JsonOptions, cancellationToken);
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };
}
