using InferenceGateway.DataPlane.Authentication;
using InferenceGateway.DataPlane.Cluster;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Forwarding;
using InferenceGateway.DataPlane.Metering;
using InferenceGateway.DataPlane.RateLimiting;
using InferenceGateway.DataPlane.Rules;
using InferenceGateway.Security.Networking;
using InferenceGateway.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Hosting;

public static class DataPlaneHosting
{
    /// <summary>Registers a data-plane node, except the bus transport. Returns the node's part for the bus.</summary>
    public static DataPlaneBusPart AddDataPlane(this IHostApplicationBuilder builder)
    {
        builder.AddConfigurationDefaults();
        builder.AddPropagationTimeline();
        var services = builder.Services;
        services.AddOptions<DataPlaneOptions>().BindConfiguration(DataPlaneOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DataPlaneOptions>, DataPlaneOptionsValidator>();
        var options = builder.Configuration.GetSection(DataPlaneOptions.Section).Get<DataPlaneOptions>() ?? new DataPlaneOptions();

        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, KestrelLimits>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton<NodeConfig>();
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<DeltaVerifier>();
        services.AddSingleton<LastKnownGoodStore>();
        services.AddHostedService(sp => sp.GetRequiredService<LastKnownGoodStore>());
        services.AddSingleton<ConfigSynchronizer>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigSynchronizer>());
        services.AddSingleton<BusReconnectObserver>();
        services.AddHostedService<HeartbeatPublisher>();
        services.AddHttpClient<SnapshotClient>((sp, http) =>
            {
                var node = sp.GetRequiredService<IOptions<DataPlaneOptions>>().Value;
                http.BaseAddress = new Uri(node.ControlPlaneUrl!.TrimEnd('/') + "/");
                http.DefaultRequestHeaders.Authorization = new("Bearer", node.NodeToken!.Trim());
                http.DefaultRequestHeaders.Add(SnapshotClient.NodeIdHeader, node.NodeId);
                http.DefaultRequestHeaders.Add(SnapshotClient.InstanceHeader, sp.GetRequiredService<NodeIdentity>().InstanceId.ToString());
                http.Timeout = TimeSpan.FromSeconds(30);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = System.Net.DecompressionMethods.GZip,
                UseProxy = false,
                AllowAutoRedirect = false,
            });

        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<DataPlaneOptions>>().Value;
            var configured = new List<int>(node.ProductPorts ?? [.. AddressPolicy.DefaultProductPorts]);
            if (Uri.TryCreate(node.ControlPlaneUrl, UriKind.Absolute, out var controlPlane))
            {
                configured.Add(controlPlane.Port);
            }

            var ports = new ProductPorts(sp, configured);
            return new UpstreamConnector(
                AddressPolicy.FromConfiguration(node.AllowedPrivateNetworks, node.DeniedNetworks, ports.Current, out _),
                sp.GetRequiredService<IHostResolver>());
        });
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton(sp => new RequestHeaderPolicy(sp.GetRequiredService<IOptions<DataPlaneOptions>>()));
        services.AddSingleton<UpstreamTransformer>();
        services.AddSingleton<ForwardingHandler>();
        services.AddHttpForwarder();
        services.AddSingleton<RateLimiters>();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton<ClusterMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        services.AddSingleton<IRateLeaseStore, RedisRateLeaseStore>();
        services.AddSingleton<ClusterRateLimiters>();
        services.AddHostedService<ClusterLeaseWorker>();
        services.AddSingleton<JwtCache>();
        services.AddSingleton<JwksCache>();
        services.AddSingleton<JwtValidator>();
        services.AddSingleton<ConcurrencyLimiters>();
        services.AddSingleton<BufferBudget>();
        services.AddHostedService<RateLimiterSweeper>();
        services.AddSingleton<AccessLog>();
        services.AddOptions<MeteringOptions>().BindConfiguration(MeteringOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeteringOptions>, MeteringOptionsValidator>();
        services.AddSingleton<UsageMeter>();
        services.AddSingleton<TokenEstimator>();
        Budgets.BudgetHosting.AddDataPlaneBudgets(services);
        services.AddSingleton<UsageJournal>();
        services.AddSingleton<IUsagePublisher, BusUsagePublisher>();
        services.AddHostedService<AccessLogFileWriter>();

        // These categories would log request URLs (which may carry a key the node refuses) or upstream hosts.
        // The node logs its own events with ids instead.
        // None, not just Warning: while this category is enabled at all, every request opens a log scope holding
        // its path, which may carry a key the node is about to refuse.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        return new DataPlaneBusPart(options.NodeId);
    }
}
