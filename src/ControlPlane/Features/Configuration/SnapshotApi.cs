using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Fleet;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.ControlPlane.Infrastructure.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>What data-plane nodes pull: the full snapshot, or the deltas since the revision they hold.</summary>
internal static class SnapshotApi
{
    /// <summary>Beyond this many revisions behind, a full snapshot is cheaper than replaying deltas.</summary>
    public const int MaxDeltaRevisions = 500;

    /// <summary>
    /// Up to this many changes a delta is sent without comparing it with the snapshot's size: a compile of a million
    /// keys costs seconds, a delta of a few thousand changes is always smaller than a snapshot worth compiling for.
    /// </summary>
    public const int SmallDelta = 5000;

    public static IEndpointRouteBuilder MapSnapshotApi(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/v1/dataplane").RequireAuthorization(ControlPlaneHosting.DataPlaneNodePolicy).WithTags("Data plane");
        nodes.MapGet("/snapshot", GetAsync).WithName("GetConfigSnapshot")
            .WithSummary("For data-plane nodes: the full configuration snapshot, or with ?since={revision} the changes since then (or the full snapshot when deltas cannot express them).");
        return endpoints;
    }

    private static async Task<Results<Ok<ConfigUpdate>, FileContentHttpResult, ProblemHttpResult>> GetAsync(
        HttpContext http, long? since, Guid? epoch, string? hash, ControlPlaneDbContext db, SnapshotCache cache, NodeInstances instances,
        IDataProtectionProvider protection, CancellationToken ct)
    {
        if (since is < 0)
        {
            return Problems.BadRequest("'since' is a revision number, 0 or more.");
        }

        if (!Guid.TryParse(http.Request.Headers[NodeIds.InstanceHeader].ToString(), out var instanceId) || instanceId == Guid.Empty)
        {
            return Problems.BadRequest($"Send the node process's instance id (a GUID) as '{NodeIds.InstanceHeader}'.");
        }

        if (!await instances.TryClaimAsync(http.User.Identity!.Name!, instanceId, ct))
        {
            return Problems.Conflict("This node id is in use by another live node process; give each node its own id.");
        }

        var state = await db.ConfigState.AsNoTracking().SingleAsync(ct);
        var current = state.Revision;

        // Deltas only within one epoch and one history: another epoch, or a revision above ours (a node that
        // served a database since restored), gets the full snapshot, which replaces its state.
        if (since is { } from && from <= current && current - from <= MaxDeltaRevisions && (epoch is null || epoch == state.Epoch))
        {
            if (from == current && hash is not null && hash != await cache.ContentHashAsync(state.Epoch, current, ct))
            {
                // Same revision, other content: the node drifted; it gets the full snapshot below.
            }
            else if (await DeltaSinceAsync(db, protection, from, current, ct) is { } changes
                && (from == current || changes.Count <= SmallDelta || changes.Count <= (await cache.GetAsync(state.Epoch, current, ct)).ItemCount))
            {
                return TypedResults.Ok(new ConfigUpdate { Kind = ConfigChangeKind.Delta, Revision = current, Epoch = state.Epoch, FromRevision = from, Changes = changes });
            }
        }

        var compiled = await cache.GetAsync(state.Epoch, current, ct);
        var compact = http.Request.Headers.Accept.ToString().Contains(CompactSnapshot.MediaType, StringComparison.OrdinalIgnoreCase);
        if (since is not null && compact)
        {
            // A node that reads the compact form pulls it next: a million keys are not inlined as JSON.
            return TypedResults.Ok(new ConfigUpdate { Kind = ConfigChangeKind.Full, Revision = compiled.Snapshot.Revision, Epoch = compiled.Snapshot.Epoch });
        }

        if (since is not null)
        {
            return TypedResults.Ok(new ConfigUpdate { Kind = ConfigChangeKind.Full, Revision = compiled.Snapshot.Revision, Epoch = compiled.Snapshot.Epoch, Snapshot = compiled.Snapshot });
        }

        http.Response.Headers.ETag = $"\"{compiled.Snapshot.ContentHash}\"";
        if (compact)
        {
            // Compressed once per compile; every client of the compact form reads gzip.
            http.Response.Headers.ContentEncoding = "gzip";
            http.Response.Headers.Vary = HeaderNames.Accept;
            return TypedResults.Bytes(compiled.CompactGzip, CompactSnapshot.MediaType);
        }

        var gzip = http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (gzip)
        {
            http.Response.Headers.ContentEncoding = "gzip";
            http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        }

        return TypedResults.Bytes(gzip ? compiled.Gzip : compiled.Json, "application/json");
    }

    /// <summary>The changes from <paramref name="from"/> to <paramref name="current"/>, or null when history has a hole (pruned, or a full revision).</summary>
    private static async Task<List<ConfigChange>?> DeltaSinceAsync(ControlPlaneDbContext db, IDataProtectionProvider protection, long from, long current, CancellationToken ct)
    {
        var revisions = await db.ConfigRevisions.AsNoTracking()
            .Where(r => r.Revision > from && r.Revision <= current)
            .OrderBy(r => r.Revision)
            .ToListAsync(ct);
        if (revisions.Count != current - from || revisions.Any(r => r.Kind != ConfigChangeKind.Delta))
        {
            return null;
        }

        try
        {
            return revisions.SelectMany(r => ConfigPublisher.ReadChanges(r, protection)).ToList();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            // A row written by another version, or one whose encryption key is gone: the full snapshot says the same.
            return null;
        }
    }
}
