using InferenceGateway.Contracts;
using MassTransit;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Applies a delta revision straight from the bus (the revocation fast path); anything else, or a delta that
/// does not follow the held revision, makes the node pull.
/// </summary>
internal sealed class ConfigRevisionConsumer(NodeConfig config, ConfigSynchronizer synchronizer) : IConsumer<ConfigRevisionPublished>
{
    public Task Consume(ConsumeContext<ConfigRevisionPublished> context)
    {
        var message = context.Message;
        if (message.Revision <= config.Revision)
        {
            return Task.CompletedTask;
        }

        if (message.Kind == ConfigChangeKind.Delta)
        {
            var outcome = config.ApplyDelta(message.Revision - 1, message.Revision, message.Changes, NodeConfig.BusOrigin);
            if (outcome is ApplyOutcome.Gap or ApplyOutcome.Rejected)
            {
                synchronizer.RequestPull();
            }
        }
        else
        {
            synchronizer.RequestPull();
        }

        return Task.CompletedTask;
    }
}
