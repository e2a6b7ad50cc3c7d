using InferenceGateway.ServiceDefaults;
using MassTransit;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>The control plane on the bus: it publishes config revisions (through the outbox) and consumes heartbeats and usage batches.</summary>
public sealed class ControlPlaneBusPart : BusPart
{
    public const string HeartbeatQueue = "igw-control-plane-heartbeats";

    public const string UsageQueue = "igw-control-plane-usage";

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<HeartbeatConsumer>();
        bus.AddConsumer<UsageReportedConsumer>();
    }

    public override void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator bus)
    {
        // Competing consumers: each heartbeat is recorded by one control-plane replica.
        bus.ReceiveEndpoint(QueueName(context, HeartbeatQueue), e =>
        {
            e.ConfigureConsumer<HeartbeatConsumer>(context);
            e.PrefetchCount = 32;
        });

        // Competing consumers too: the ledger applies each batch once whichever replica takes it. A batch is
        // acknowledged only once it is in the ledger; while the database is away it is retried, not dropped.
        bus.ReceiveEndpoint(QueueName(context, UsageQueue), e =>
        {
            e.UseMessageRetry(r => r.Interval(10_000, TimeSpan.FromSeconds(2)));
            e.ConfigureConsumer<UsageReportedConsumer>(context);
            e.PrefetchCount = 16;
        });
    }
}
