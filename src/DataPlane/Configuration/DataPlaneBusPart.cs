using InferenceGateway.ServiceDefaults;
using MassTransit;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// A data-plane node on the bus: a queue of its own (so every node receives every config revision), removed
/// when the node disconnects; the node pulls whenever the queue becomes ready again.
/// </summary>
public sealed class DataPlaneBusPart(string nodeId) : BusPart
{
    public string NodeQueue { get; } = $"igw-dataplane-{nodeId}";

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ConfigRevisionConsumer>();
    }

    /// <summary>Usage batches go out until after the server has drained its requests, while the bus still runs.</summary>
    public override void AddPublishersStoppedBeforeBus(IServiceCollection services)
    {
        services.AddHostedService<Metering.UsageReporter>();
    }

    public override void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator bus)
    {
        bus.ReceiveEndpoint(QueueName(context, NodeQueue), e =>
        {
            if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.AutoDelete = true;
                rabbit.Durable = false;
                rabbit.SetQueueArgument("x-expires", 60_000);
            }

            // One at a time, in order: revisions must apply in the order they were published.
            e.PrefetchCount = 16;
            e.ConcurrentMessageLimit = 1;
            e.ConfigureConsumer<ConfigRevisionConsumer>(context);
            e.ConnectReceiveEndpointObserver(context.GetRequiredService<BusReconnectObserver>());
        });
    }
}
