using InferenceGateway.ServiceDefaults;
using MassTransit;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>The control plane on the bus: it publishes config revisions (through the outbox) and consumes heartbeats.</summary>
public sealed class ControlPlaneBusPart : BusPart
{
    public const string HeartbeatQueue = "igw-control-plane-heartbeats";

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<HeartbeatConsumer>();
    }

    public override void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator bus)
    {
        // Competing consumers: each heartbeat is recorded by one control-plane replica.
        bus.ReceiveEndpoint(QueueName(context, HeartbeatQueue), e =>
        {
            e.ConfigureConsumer<HeartbeatConsumer>(context);
            e.PrefetchCount = 32;
        });
    }
}
