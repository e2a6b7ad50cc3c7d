using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>Keeps the fleet view: the latest heartbeat of every node.</summary>
internal sealed class HeartbeatConsumer(ControlPlaneDbContext db, TimeProvider time) : IConsumer<DataPlaneHeartbeat>
{
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

        node.Version = beat.Version.Length > 50 ? beat.Version[..50] : beat.Version;
        node.AppliedRevision = beat.AppliedRevision;
        node.LastAppliedAt = beat.LastAppliedAt;
        node.LastApplyError = beat.LastApplyError is { Length: > 2000 } e ? e[..2000] : beat.LastApplyError;
        node.LastApplyErrorAt = beat.LastApplyErrorAt;
        node.Uptime = beat.Uptime;
        node.AccessLogDropped = Math.Max(0, beat.AccessLogDropped);
        node.LastSeenAt = beat.SentAt > now ? now : beat.SentAt;
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
}
