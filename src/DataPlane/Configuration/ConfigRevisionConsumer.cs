using InferenceGateway.Contracts;
using InferenceGateway.ServiceDefaults;
using MassTransit;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Applies a signed delta revision straight from the bus (the revocation fast path). A message that fails
/// verification is dropped, counted and reported, and consumes no revision: the real change with that number still
/// applies when it comes. Anything else (a notice of a revision to pull, another epoch, a delta that does not follow
/// the held revision) makes the node pull over the authenticated API; nothing from the bus replaces its state.
/// </summary>
internal sealed partial class ConfigRevisionConsumer(NodeConfig config, DeltaVerifier verifier, ConfigSynchronizer synchronizer, PropagationTimeline timeline, ILogger<ConfigRevisionConsumer> logger)
    : IConsumer<ConfigRevisionPublished>
{
    public Task Consume(ConsumeContext<ConfigRevisionPublished> context)
    {
        var message = context.Message;
        timeline.Record(PropagationPoint.NodeReceived, message.Revision);
        LogReceived(logger, message.Revision);
        if (message.Epoch != config.Epoch)
        {
            // Another epoch: the control plane's history started over. Only a pulled snapshot can say what holds now.
            synchronizer.RequestPull();
            return Task.CompletedTask;
        }

        if (message.Revision <= config.Revision)
        {
            // The same revision again is a no-op. A lower one in this epoch may be a late delivery, or the control
            // plane's database restored from a backup (its revisions went back): one pull tells, and it is cheap.
            if (message.Revision < config.Revision)
            {
                synchronizer.RequestPull();
            }

            return Task.CompletedTask;
        }

        if (message.Kind != ConfigChangeKind.Delta)
        {
            synchronizer.RequestPull();
            return Task.CompletedTask;
        }

        if (verifier.Verify(message, out var reason) is not { } delta)
        {
            config.RecordRejectedMessage(message.Revision, reason);

            // A rotated signing key is learnt from the next snapshot; a forged message costs one pull at most.
            synchronizer.RequestPull();
            return Task.CompletedTask;
        }

        var outcome = config.ApplyDelta(delta.Epoch, delta.FromRevision, delta.Revision, delta.Changes, NodeConfig.BusOrigin);
        if (outcome == ApplyOutcome.Applied)
        {
            timeline.Record(PropagationPoint.NodeApplied, delta.Revision);
        }

        if (outcome is ApplyOutcome.Gap or ApplyOutcome.Rejected)
        {
            synchronizer.RequestPull();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Received revision {Revision} from the bus")]
    private static partial void LogReceived(ILogger logger, long revision);
}
