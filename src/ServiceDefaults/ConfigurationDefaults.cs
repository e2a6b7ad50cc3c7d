using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace InferenceGateway.ServiceDefaults;

public static class ConfigurationDefaults
{
    /// <summary>
    /// Adds the product's defaults as the lowest-priority configuration source: every appsettings file,
    /// environment variable or argument still overrides them. Kept in code rather than in appsettings.json so
    /// that hosts that combine several parts (standalone mode) get the same defaults without file clashes.
    /// </summary>
    public static IHostApplicationBuilder AddConfigurationDefaults(this IHostApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
                // A failed command or query is logged by EF Core with its stack trace, once per attempt, and then
                // thrown to its caller, which reports it (a 503 with one warning during a database outage, the
                // exception handler for anything else): the caller's line is the one to read.
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Query"] = "Critical",
                // MassTransit logs every reconnect attempt and every publish lost to an outage with a stack trace;
                // BusConnectionLog reports an outage once when it starts and once when it ends, and the publishers
                // (outbox relay, heartbeats) report their own failures. Consumer faults stay visible.
                ["Logging:LogLevel:MassTransit"] = "Critical",
                ["Logging:LogLevel:MassTransit.ReceiveTransport"] = "Error",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["AllowedHosts"] = "*",
            },
        });
        return builder;
    }
}
