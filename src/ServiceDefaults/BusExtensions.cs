using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferenceGateway.ServiceDefaults;

public static class BusExtensions
{
    /// <summary>Adds MassTransit over RabbitMQ or the in-memory transport (section <c>Bus</c>) with the parts' endpoints.</summary>
    public static IHostApplicationBuilder AddGatewayBus(this IHostApplicationBuilder builder, params BusPart[] parts)
    {
        builder.Services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<BusConnectionLog>();
        builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<BusConnectionLog>());
        var options = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();

        builder.Services.AddMassTransit(bus =>
        {
            foreach (var part in parts)
            {
                part.AddConsumers(bus);
            }

            if (options.Transport == BusTransport.InMemory)
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    foreach (var part in parts)
                    {
                        part.ConfigureEndpoints(context, cfg);
                    }
                });
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    if (options.EntityPrefix.Length > 0)
                    {
                        cfg.MessageTopology.SetEntityNameFormatter(
                            new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, options.EntityPrefix + "-"));
                    }

                    cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
                    {
                        h.Username(options.Username);
                        h.Password(options.Password);
                        h.PublisherConfirmation = true;
                        h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                        h.Heartbeat(TimeSpan.FromSeconds(5));
                    });
                    foreach (var part in parts)
                    {
                        part.ConfigureEndpoints(context, cfg);
                    }
                });
            }
        });

        // The bus connects in the background: a process that starts while the broker is down still serves, and
        // MassTransit keeps reconnecting.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(5);
        });
        foreach (var part in parts)
        {
            part.AddPublishersStoppedBeforeBus(builder.Services);
        }

        return builder;
    }
}
