using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>What data-plane nodes pull: the full snapshot, or the deltas since the revision they hold.</summary>
internal static class SnapshotApi
{
    /// <summary>Beyond this many revisions behind, a full snapshot is cheaper than replaying deltas.</summary>
    public const int MaxDeltaRevisions = 500;

    public static IEndpointRouteBuilder MapSnapshotApi(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/v1/dataplane").RequireAuthorization(ControlPlaneHosting.DataPlaneNodePolicy).WithTags("Data plane");
        nodes.MapGet("/snapshot", GetAsync).WithName("GetConfigSnapshot")
            .WithSummary("For data-plane nodes: the full configuration snapshot, or with ?since={revision} the changes since then (or the full snapshot when deltas cannot express them).");
        return endpoints;
    }

    private static async Task<IResult> GetAsync(HttpContext http, long? since, ControlPlaneDbContext db, SnapshotCache cache, CancellationToken ct)
    {
        if (since is < 0)
        {
            return Problems.BadRequest("'since' is a revision number, 0 or more.");
        }

        var current = await db.ConfigState.AsNoTracking().Select(s => s.Revision).SingleAsync(ct);
        if (since is { } from && from <= current && current - from <= MaxDeltaRevisions)
        {
            var revisions = await db.ConfigRevisions.AsNoTracking()
                .Where(r => r.Revision > from && r.Revision <= current)
                .OrderBy(r => r.Revision)
                .ToListAsync(ct);
            if (revisions.Count == current - from && revisions.All(r => r.Kind == ConfigChangeKind.Delta))
            {
                return TypedResults.Ok(new ConfigUpdate
                {
                    Kind = ConfigChangeKind.Delta,
                    Revision = current,
                    FromRevision = from,
                    Changes = revisions.SelectMany(r => JsonSerializer.Deserialize<List<ConfigChange>>(r.ChangesJson, ContractJson.Options)!).ToList(),
                });
            }
        }

        var compiled = await cache.GetAsync(current, ct);

        if (since is not null)
        {
            return TypedResults.Ok(new ConfigUpdate { Kind = ConfigChangeKind.Full, Revision = compiled.Snapshot.Revision, Snapshot = compiled.Snapshot });
        }

        http.Response.Headers.ETag = $"\"{compiled.Snapshot.ContentHash}\"";
        var gzip = http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (gzip)
        {
            http.Response.Headers.ContentEncoding = "gzip";
            http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        }

        return TypedResults.Bytes(gzip ? compiled.Gzip : compiled.Json, "application/json");
    }
}
