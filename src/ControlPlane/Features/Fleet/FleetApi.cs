using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Fleet;

internal sealed record NodeResponse(
    string NodeId,
    string Version,
    string State,
    long AppliedRevision,
    long CurrentRevision,
    long Lag,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? LastAppliedAt,
    string? LastApplyError,
    DateTimeOffset? LastApplyErrorAt,
    double UptimeSeconds,
    long AccessLogDropped);

internal sealed record FleetResponse(long CurrentRevision, IReadOnlyList<NodeResponse> Nodes);

/// <summary>The revision nodes are served, and every item the compiler had to leave out of it and why.</summary>
internal sealed record ConfigStatusResponse(long CurrentRevision, long ServedRevision, string ServedContentHash, IReadOnlyList<string> Problems);

/// <summary>The operator's view of the fleet: which node runs which revision, how far behind, and why not.</summary>
internal static class FleetApi
{
    /// <summary>A node that has not reported for this long is shown as stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    public static RouteGroupBuilder MapFleetApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/dataplane").WithTags("Data plane");
        group.MapGet("/nodes", ListNodesAsync).WithName("ListDataPlaneNodes")
            .WithSummary("Every node that has sent a heartbeat: its version, applied revision, lag behind the current revision, last error.");
        group.MapGet("/config", ConfigStatusAsync).WithName("GetConfigStatus")
            .WithSummary("The current revision, the revision nodes are served, and every item left out of it because it cannot be served safely.");
        return api;
    }

    private static async Task<FleetResponse> ListNodesAsync(ControlPlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        var current = await db.ConfigState.AsNoTracking().Select(s => s.Revision).SingleAsync(ct);
        var nodes = await db.DataPlaneNodes.AsNoTracking().OrderBy(n => n.NodeId).ToListAsync(ct);
        var now = time.GetUtcNow();
        return new FleetResponse(current, nodes.Select(n =>
        {
            var lag = Math.Max(0, current - n.AppliedRevision);
            var state = now - n.LastSeenAt > StaleAfter ? "stale"
                : n.LastAppliedAt is null ? "starting"
                : lag == 0 ? "in-sync"
                : "behind";
            return new NodeResponse(n.NodeId, n.Version, state, n.AppliedRevision, current, lag, n.LastSeenAt, n.LastAppliedAt,
                n.LastApplyError, n.LastApplyErrorAt, n.Uptime.TotalSeconds, n.AccessLogDropped);
        }).ToList());
    }

    private static async Task<ConfigStatusResponse> ConfigStatusAsync(ControlPlaneDbContext db, SnapshotCache cache, CancellationToken ct)
    {
        var current = await db.ConfigState.AsNoTracking().Select(s => s.Revision).SingleAsync(ct);
        var served = await cache.GetAsync(current, ct);
        return new ConfigStatusResponse(current, served.Snapshot.Revision, served.Snapshot.ContentHash, served.Problems);
    }
}
