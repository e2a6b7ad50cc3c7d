using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.ApiKeys;
using InferenceGateway.ControlPlane.Features.Audit;
using InferenceGateway.ControlPlane.Features.Billing;
using InferenceGateway.ControlPlane.Features.Blocks;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Features.ExternalIssuers;
using InferenceGateway.ControlPlane.Features.Fleet;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.ModelEndpoints;
using InferenceGateway.ControlPlane.Features.OAuthClients;
using InferenceGateway.ControlPlane.Features.Plans;
using InferenceGateway.ControlPlane.Features.Tenants;
using InferenceGateway.ControlPlane.Features.Usage;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.ControlPlane.Infrastructure.Auth;
using InferenceGateway.ControlPlane.Messaging;
using InferenceGateway.Security.Networking;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using InferenceGateway.ServiceDefaults;
using Scalar.AspNetCore;

namespace InferenceGateway.ControlPlane.Hosting;

public static class ControlPlaneHosting
{
    public const string AdminScheme = "AdminToken";
    public const string NodeScheme = "NodeToken";
    public const string PlatformAdminPolicy = "PlatformAdmin";
    public const string DataPlaneNodePolicy = "DataPlaneNode";
    public const string DataProtectionSection = "ControlPlane:DataProtection";

    /// <summary>Registers everything the control plane needs except the bus transport.</summary>
    public static IHostApplicationBuilder AddControlPlane(this IHostApplicationBuilder builder)
    {
        builder.AddConfigurationDefaults();
        builder.AddPropagationTimeline();
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.AddOptions<NodeAuthOptions>().BindConfiguration(NodeAuthOptions.Section).ValidateOnStart();
        services.AddOptions<EndpointPolicyOptions>().BindConfiguration(EndpointPolicyOptions.Section).ValidateOnStart();
        services.AddOptions<PlanPolicyOptions>().BindConfiguration(PlanPolicyOptions.Section).ValidateOnStart();
        services.AddSingleton<ControlPlaneOptionsValidator>();
        services.AddSingleton<IValidateOptions<DatabaseOptions>>(sp => sp.GetRequiredService<ControlPlaneOptionsValidator>());
        services.AddSingleton<IValidateOptions<AdminOptions>>(sp => sp.GetRequiredService<ControlPlaneOptionsValidator>());
        services.AddSingleton<IValidateOptions<NodeAuthOptions>>(sp => sp.GetRequiredService<ControlPlaneOptionsValidator>());
        services.AddSingleton<IValidateOptions<EndpointPolicyOptions>>(sp => sp.GetRequiredService<ControlPlaneOptionsValidator>());
        services.AddSingleton<IValidateOptions<PlanPolicyOptions>>(sp => sp.GetRequiredService<ControlPlaneOptionsValidator>());
        services.AddSingleton<IValidateOptions<MasterKeyOptions>>(new MasterKeyValidator(DataProtectionSection, builder.Environment.IsDevelopment()));

        builder.AddControlPlaneDatabase();
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<KeyRingCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRingCheck>());
        services.AddOptions<ConfigSigningOptions>().BindConfiguration(ConfigSigningOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConfigSigningOptions>, ConfigSigningOptionsValidator>();
        services.AddSingleton<ConfigSigner>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigSigner>());
        services.AddDataProtection()
            .SetApplicationName("InferenceGateway.ControlPlane")
            .PersistKeysToDbContext<ControlPlaneDbContext>();
        services.ProtectKeyRingWithMasterKey(DataProtectionSection);
        services.AddOptions<MasterKeyOptions>().ValidateOnStart();

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });

        // Malformed JSON and bad parameters reach the exception handler, which answers with a 400 ProblemDetails.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        builder.AddControlPlaneAuth();
        services.AddOpenApi(o =>
        {
            o.AddSchemaTransformer<OptionalSchemaTransformer>();

            // The document is named after the product, not the hosting assembly.
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Inference Gateway control plane API";
                document.Info.Description = "Tenants, plans, model endpoints, API keys, OAuth clients, members, blocks and the data-plane fleet.";
                return Task.CompletedTask;
            });
        });

        // Per-command SQL and per-request authentication chatter are not useful at Information. A failed command or
        // save is logged by EF Core with its stack trace and then thrown to its caller, which reports it in one line
        // (a duplicate usage batch, a 409, a 503 during an outage): the caller's line is the one to keep.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authentication", LogLevel.Warning);
        builder.Logging.AddFilter(typeof(BearerTokenHandler).FullName, LogLevel.Warning);

        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton(sp =>
        {
            var policy = sp.GetRequiredService<IOptions<EndpointPolicyOptions>>().Value;
            var ports = new ProductPorts(sp, policy.ProductPorts ?? [.. AddressPolicy.DefaultProductPorts]);
            return new EndpointUrlValidator(
                AddressPolicy.FromConfiguration(policy.AllowedPrivateNetworks, policy.DeniedNetworks, ports.Current, out _),
                sp.GetRequiredService<IHostResolver>());
        });
        services.AddScoped<PrivateTargets>();
        services.AddSingleton<UpstreamCredentials>();
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<ConfigPublisher>();
        services.AddScoped<AdminChanges>();
        services.AddSingleton<SnapshotMapper>();
        services.AddScoped<ApiKeyVerifier>();
        services.AddUsage();
        services.AddScoped<ConfigCompiler>();
        services.AddScoped<NodeInstances>();
        services.AddSingleton<SnapshotCache>();
        services.AddHostedService<OutboxRelay>();
        services.AddOptions<ConfigHistoryOptions>().BindConfiguration(ConfigHistoryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConfigHistoryOptions>, ConfigHistoryOptionsValidator>();
        services.AddSingleton<ConfigHistoryPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigHistoryPruner>());
        builder.AddBilling();
        return builder;
    }

    private static void AddControlPlaneDatabase(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            builder.Services.AddDbContext<ControlPlaneDbContext, SqliteControlPlaneDbContext>(o =>
                o.UseSqlite(options.ConnectionString, x => x.MigrationsAssembly(typeof(ControlPlaneDbContext).Assembly.FullName)));
        }
        else
        {
            builder.Services.AddDbContext<ControlPlaneDbContext, NpgsqlControlPlaneDbContext>(o =>
                o.UseNpgsql(options.ConnectionString));
        }
    }

    private static void AddControlPlaneAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(AdminScheme)
            .AddScheme<BearerTokenOptions, BearerTokenHandler>(AdminScheme, null)
            .AddScheme<AuthenticationSchemeOptions, NodeCredentialHandler>(NodeScheme, null);
        services.AddOptions<BearerTokenOptions>(AdminScheme).Configure<IOptions<AdminOptions>>((o, admin) =>
        {
            o.PrincipalName = "bootstrap-admin";
            o.Role = "platform-admin";
            if (admin.Value.ResolveToken() is { } token)
            {
                o.TokenHashes.Add(BearerTokenHandler.HashToken(token));
            }
        });
        builder.AddPlatformIdentity();
        services.AddAuthorizationBuilder()
            .AddPolicy(DataPlaneNodePolicy, p => p.AddAuthenticationSchemes(NodeScheme).RequireRole(NodeCredentialHandler.Role));
    }

    /// <summary>The control plane's middleware, in order.</summary>
    public static IApplicationBuilder UseControlPlane(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<PropagationTimeline>().Enabled)
        {
            // First, so the timeline's admin-call segment starts where the request reached the server.
            app.Use((context, next) =>
            {
                context.Items[AdminChanges.RequestStartedItem] = PropagationTimeline.Now();
                return next(context);
            });
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Maps the admin API, the node API, the OpenAPI document, the API reference page and health checks.</summary>
    public static IEndpointRouteBuilder MapControlPlane(this IEndpointRouteBuilder endpoints)
    {
        // Every admin route is in one of two groups: platform routes (platform admins only) and tenant routes, whose
        // filter checks the caller's membership in the path's tenant and the role each endpoint admits.
        var api = endpoints.MapGroup("/api/v1").RequireAuthorization(IdentityHosting.AdminApiPolicy).DisableAntiforgery()
            .AddEndpointFilter<ControlCharacterFilter>();
        api.MapMeApi();
        var platform = api.MapGroup(string.Empty).RequireAuthorization(PlatformAdminPolicy);
        platform.MapTenantsApi();
        platform.MapPlansApi();
        platform.MapAuditApi();
        platform.MapFleetApi();
        platform.MapNodeCredentialsApi();
        platform.MapBlocksApi();
        var tenant = api.MapGroup("/tenants/{tenantId:guid}").AddEndpointFilter<TenantAccessFilter>();
        tenant.MapApiKeysApi();
        tenant.MapApiKeyBatchApi();
        tenant.MapModelEndpointsApi();
        tenant.MapTenantAuditApi();
        tenant.MapMembersApi();
        tenant.MapOAuthClientsApi();
        tenant.MapUsageApi();
        Features.Budgets.BudgetApi.MapBudgetApi(tenant);
        endpoints.MapBilling(api, platform, tenant);
        tenant.MapExternalIssuersApi();
        endpoints.MapInvitationAcceptance();
        endpoints.MapAccountPages();
        endpoints.MapConnectEndpoints();
        endpoints.MapSnapshotApi();

        endpoints.MapOpenApi();
        endpoints.MapScalarApiReference("/api-reference", o => o.WithTitle("Inference Gateway control plane API"));
        endpoints.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).ExcludeFromDescription();
        endpoints.MapGet("/readyz", async (ControlPlaneDbContext db, CancellationToken ct) =>
                await db.Database.CanConnectAsync(ct)
                    ? Results.Ok(new { status = "ready" })
                    : Results.Problem(statusCode: 503, title: "Not ready", detail: "The database is not reachable."))
            .ExcludeFromDescription();
        return endpoints;
    }
}
