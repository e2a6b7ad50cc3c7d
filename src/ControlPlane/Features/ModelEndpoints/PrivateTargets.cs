using System.Net;
using System.Net.Sockets;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.Security.Networking;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

/// <summary>
/// A private address:port admitted by an allow-list entry that names no tenants belongs to the first tenant that
/// registers it: another tenant's endpoint on the same address and port is refused (with the same "not allowed"
/// as any other refusal, so a tenant learns nothing about another's endpoints). An entry that lists tenants
/// says who may share it; <c>tenants=*</c> lets every tenant share it.
/// </summary>
internal sealed class PrivateTargets(ControlPlaneDbContext db, IHostResolver resolver)
{
    public async Task<bool> TakenByAnotherTenantAsync(Guid tenantId, IReadOnlyList<PrivateTarget> targets, CancellationToken ct)
    {
        var exclusive = targets.Where(t => t.Entry.IsExclusive).ToList();
        if (exclusive.Count == 0)
        {
            return false;
        }

        var others = await db.ModelEndpoints.AsNoTracking().Where(e => e.TenantId != tenantId).Select(e => e.BaseUrl).ToListAsync(ct);
        foreach (var baseUrl in others)
        {
            if (!EndpointUrl.TryParse(baseUrl, out var url, out var host, []) || exclusive.All(t => t.Port != url!.Port))
            {
                continue;
            }

            foreach (var address in await AddressesAsync(host, ct))
            {
                if (exclusive.Any(t => t.Port == url!.Port && Same(t.Address, address)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private async Task<IPAddress[]> AddressesAsync(HostName host, CancellationToken ct)
    {
        if (host.Address is { } literal)
        {
            return [literal];
        }

        if (host.IsLocalhostName)
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await resolver.ResolveAsync(host.Text, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            ct.ThrowIfCancellationRequested();
            return [];
        }
    }

    private static bool Same(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);
}
