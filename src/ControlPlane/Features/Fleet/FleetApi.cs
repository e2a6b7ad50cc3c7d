using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.Contracts.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
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
    long AccessLogDropped,
    Guid Epoch,
    string? ContentHash,
    long RejectedMessages,
    string? LastRejection,
    DateTimeOffset? LastRejectionAt,
    string? LastReset,
    DateTimeOffset? LastResetAt);

internal sealed record FleetResponse(long CurrentRevision, Guid Epoch, string CurrentContentHash, IReadOnlyList<NodeResponse> Nodes);

/// <summary>The revision nodes are served, every item the compiler had to leave out of it and why, and outbox rows the relay skipped.</summary>
internal sealed record ConfigStatusResponse(
    long CurrentRevision, Guid Epoch, long ServedRevision, string ServedContentHash, IReadOnlyList<string> Problems, IReadOnlyList<SkippedOutboxRow> SkippedOutboxRows);

internal sealed record SkippedOutboxRow(long Id, string MessageType, DateTimeOffset SkippedAt, string? Reason);

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

    private static async Task<Ok<FleetResponse>> ListNodesAsync(ControlPlaneDbContext db, SnapshotCache cache, TimeProvider time, CancellationToken ct)
    {
        var state = await db.ConfigState.AsNoTracking().SingleAsync(ct);
        var served = await cache.GetAsync(state.Epoch, state.Revision, ct);
        var nodes = await db.DataPlaneNodes.AsNoTracking().OrderBy(n => n.NodeId).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new FleetResponse(state.Revision, state.Epoch, served.Snapshot.ContentHash, nodes.Select(n =>
        {
            var lag = n.Epoch == state.Epoch ? Math.Max(0, state.Revision - n.AppliedRevision) : state.Revision;
            return new NodeResponse(n.NodeId, n.Version, StateOf(n, state, served.Snapshot, now), n.AppliedRevision, state.Revision, lag, n.LastSeenAt, n.LastAppliedAt,
                n.LastApplyError, n.LastApplyErrorAt, n.Uptime.TotalSeconds, n.AccessLogDropped, n.Epoch, n.ContentHash, n.RejectedMessages, n.LastRejection,
                n.LastRejectionAt, n.LastReset, n.LastResetAt);
        }).ToList()));
    }

    /// <summary>
    /// <c>stale</c>: no heartbeat for <see cref="StaleAfter"/>. <c>diverged</c>: serving another epoch (a database that
    /// has since been restored or rebuilt) or a revision above the current one. <c>behind</c>: an older revision of
    /// this epoch, or nothing yet. <c>drift</c>: the current revision with other content. <c>in-sync</c>: the current
    /// revision with the same content hash.
    /// </summary>
    internal static string StateOf(DataPlaneNode node, ConfigState state, ConfigSnapshot served, DateTimeOffset now) =>
        now - node.LastSeenAt > StaleAfter ? "stale"
        : node.Epoch == Guid.Empty ? "behind"
        : node.Epoch != state.Epoch || node.AppliedRevision > state.Revision ? "diverged"
        : node.AppliedRevision < state.Revision ? "behind"
        : served.Revision == node.AppliedRevision && node.ContentHash is { } hash && hash != served.ContentHash ? "drift"
        : "in-sync";

    private static async Task<Ok<ConfigStatusResponse>> ConfigStatusAsync(ControlPlaneDbContext db, SnapshotCache cache, CancellationToken ct)
    {
        var state = await db.ConfigState.AsNoTracking().SingleAsync(ct);
        var served = await cache.GetAsync(state.Epoch, state.Revision, ct);
        var skipped = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SkippedAt != null)
            .OrderByDescending(m => m.Id)
            .Take(100)
            .Select(m => new SkippedOutboxRow(m.Id, m.MessageType, m.SkippedAt!.Value, m.LastError))
            .ToListAsync(ct);
        return TypedResults.Ok(new ConfigStatusResponse(state.Revision, state.Epoch, served.Snapshot.Revision, served.Snapshot.ContentHash, served.Problems, skipped));
    }
}
