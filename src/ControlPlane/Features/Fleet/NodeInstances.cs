using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Fleet;

/// <summary>
/// One live process per node id: a process holds its node id while it pulls or sends heartbeats, for
/// <see cref="NodeAuthOptions.InstanceLease"/> after the last one. Another process presenting the same id meanwhile
/// is refused, so two machines configured alike do not silently share a node's identity (and its fleet row).
/// </summary>
internal sealed partial class NodeInstances(ControlPlaneDbContext db, IOptions<NodeAuthOptions> options, TimeProvider time, ILogger<NodeInstances> logger)
{
    /// <summary>Records <paramref name="instanceId"/> as the holder of <paramref name="nodeId"/>; false when another live instance holds it.</summary>
    public async Task<bool> TryClaimAsync(string nodeId, Guid instanceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var node = await db.DataPlaneNodes.FirstOrDefaultAsync(n => n.NodeId == nodeId, cancellationToken);
        if (node is null)
        {
            node = new DataPlaneNode { NodeId = nodeId, Version = string.Empty, FirstSeenAt = now, LastSeenAt = now };
            db.DataPlaneNodes.Add(node);
        }
        else if (!MayClaim(node, instanceId, now, options.Value.InstanceLease))
        {
            LogRefused(logger, nodeId);
            return false;
        }

        node.InstanceId = instanceId;
        node.InstanceSeenAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (ProblemExceptionHandler.IsUniqueViolation(ex))
        {
            // Two processes with this node id made their first pull at the same moment.
            return false;
        }
    }

    public static bool MayClaim(DataPlaneNode node, Guid instanceId, DateTimeOffset now, TimeSpan lease) =>
        node.InstanceId == instanceId || node.InstanceId == Guid.Empty || now - node.InstanceSeenAt >= lease;

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Refused a pull for node id {NodeId}: another live node process holds that id")]
    private static partial void LogRefused(ILogger logger, string nodeId);
}
