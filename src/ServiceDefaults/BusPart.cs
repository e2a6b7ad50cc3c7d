using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ServiceDefaults;

/// <summary>
/// What one part of the product (control plane, data-plane node) puts on the bus: its consumers and its
/// receive endpoints. A process hosts one part, or several in standalone mode, over one bus.
/// </summary>
public abstract class BusPart
{
    /// <summary>Lists every consumer of the part, so the message surface is visible in one place.</summary>
    public abstract void AddConsumers(IBusRegistrationConfigurator bus);

    public abstract void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator bus);

    /// <summary>
    /// Hosted services that publish until the very end: registered after the bus, so the host stops them before it
    /// stops the bus (hosted services stop in reverse order), and their last messages still go out.
    /// </summary>
    public virtual void AddPublishersStoppedBeforeBus(IServiceCollection services)
    {
    }

    /// <summary>A queue name with the environment's <see cref="BusOptions.EntityPrefix"/>.</summary>
    protected static string QueueName(IBusRegistrationContext context, string name) =>
        context.GetRequiredService<Microsoft.Extensions.Options.IOptions<BusOptions>>().Value.EntityPrefix is { Length: > 0 } prefix
            ? $"{prefix}-{name}"
            : name;
}
