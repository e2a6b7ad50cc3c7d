using MassTransit;

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
}
