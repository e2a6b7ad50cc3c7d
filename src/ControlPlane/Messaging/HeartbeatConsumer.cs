using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Fleet;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>
/// Keeps the fleet view: the latest heartbeat of every node. While the database is unreachable, heartbeats are
/// dropped (the next one says the same, and newer) with one warning when the outage starts and one line when it ends.
/// </summary>
internal sealed partial class HeartbeatConsumer(ControlPlaneDbContext db, IOptions<NodeAuthOptions> nodes, TimeProvider time, ILogger<HeartbeatConsumer> logger)
    : IConsumer<DataPlaneHeartbeat>
{
    private static int _dropped;

    /// <summary>Moves each used key's last-used time forward (never back: nodes report independently).</summary>
    private async Task RecordKeyUseAsync(IReadOnlyList<KeyUse> uses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var use in uses.Take(10_000))
        {
            var at = use.LastUsedAt > now ? now : use.LastUsedAt;
            await db.ApiKeys
                .Where(k => k.Id == use.KeyId && (k.LastUsedAt == null || k.LastUsedAt < at))
                .ExecuteUpdateAsync(k => k.SetProperty(x => x.LastUsedAt, at), cancellationToken);
        }
    }

    public async Task Consume(ConsumeContext<DataPlaneHeartbeat> context)
    {
        try
        {
            await RecordAsync(context);
        }
        catch (Exception ex) when (DatabaseOutage.IsOutage(ex))
        {
            if (Interlocked.Increment(ref _dropped) == 1)
            {
                LogOutage(logger);
            }

            return;
        }

        if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
        {
            LogRecovered(logger, dropped);
        }
    }

    private async Task RecordAsync(ConsumeContext<DataPlaneHeartbeat> context)
    {
        var beat = context.Message;
        var nodeId = beat.NodeId.Length > 100 ? beat.NodeId[..100] : beat.NodeId;
        var node = await db.DataPlaneNodes.FirstOrDefaultAsync(n => n.NodeId == nodeId, context.CancellationToken);
        var now = time.GetUtcNow();
        if (node is null)
        {
            node = new DataPlaneNode { NodeId = nodeId, Version = string.Empty, FirstSeenAt = now };
            db.DataPlaneNodes.Add(node);
        }
        else if (node.LastSeenAt > beat.SentAt)
        {
            return; // an older heartbeat delivered late
        }
        else if (!NodeInstances.MayClaim(node, beat.InstanceId, now, nodes.Value.InstanceLease))
        {
            return; // a second process with this node id: the live one keeps the row (its pulls are refused too)
        }

        node.Version = beat.Version.Length > 50 ? beat.Version[..50] : beat.Version;
        node.AppliedRevision = beat.AppliedRevision;
        node.LastAppliedAt = beat.LastAppliedAt;
        node.LastApplyError = beat.LastApplyError is { Length: > 2000 } e ? e[..2000] : beat.LastApplyError;
        node.LastApplyErrorAt = beat.LastApplyErrorAt;
        node.Uptime = beat.Uptime;
        node.AccessLogDropped = Math.Max(0, beat.AccessLogDropped);
        node.LastSeenAt = beat.SentAt > now ? now : beat.SentAt;
        node.InstanceId = beat.InstanceId;
        node.InstanceSeenAt = now;
        node.Epoch = beat.Epoch;
        node.ContentHash = beat.ContentHash is { Length: <= 64 } hash ? hash : null;
        node.RejectedMessages = beat.RejectedMessages;
        node.LastRejection = Cut(beat.LastRejection, 500);
        node.LastRejectionAt = beat.LastRejectionAt;
        node.LastReset = Cut(beat.LastReset, 500);
        node.LastResetAt = beat.LastResetAt;
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
            await RecordKeyUseAsync(beat.KeysUsed, now, context.CancellationToken);
        }
        catch (DbUpdateException ex) when (ProblemExceptionHandler.IsUniqueViolation(ex))
        {
            // Two replicas saw the node's first heartbeat at once; the next heartbeat updates the row.
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "The database is unreachable; node heartbeats are dropped until it is back (the fleet view shows the last ones recorded)")]
    private static partial void LogOutage(ILogger logger);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "The database is reachable again; recording node heartbeats after dropping {Dropped}")]
    private static partial void LogRecovered(ILogger logger, int dropped);

    private static string? Cut(string? value, int length) => value is { } v && v.Length > length ? v[..length] : value;
}
