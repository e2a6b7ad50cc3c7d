using System.Net.Http.Headers;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.Security.Networking;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace InferenceGateway.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The control plane on its own PostgreSQL database (one per test class), with fake DNS, a controllable clock
/// and every log line captured. The bus is in memory: these tests are about the admin API.
/// </summary>
public class ControlPlaneApp : WebApplicationFactory<ControlPlaneMarker>, IAsyncLifetime
{
    public const string AdminToken = "test-admin-token-0123456789abcdefghijklmnop";
    public const string NodeToken = "test-node-token-0123456789abcdefghijklmnopq";

    public const string PortalRedirectUri = "https://portal.test/signin-oidc";
    public const string FirstAdminEmail = "first-admin@example.com";
    public const string FirstAdminPassword = "first-admin-password-0123";

    /// <summary>The node id <see cref="NodeToken"/> is configured for.</summary>
    public const string NodeId = "test-node";

    public static readonly string MasterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public PostgresDatabase Database { get; } = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public FakeHostResolver Dns { get; } = new FakeHostResolver()
        .Set("api.example.com", "93.184.215.14")
        .Set("models.example.net", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
        .Set("internal.example.com", "10.1.2.3")
        .Set("mixed.example.com", "93.184.215.14", "127.0.0.1")
        .Set("rebind.example.com", "93.184.215.14");

    public LogCapture Logs { get; } = new();

    /// <summary>Networks the operator allow-listed; set before the first request.</summary>
    public List<string> AllowedPrivateNetworks { get; } = ["10.20.0.0/16"];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ControlPlane:Database:ConnectionString", Database.ConnectionString);
        builder.UseSetting("ControlPlane:Admin:BootstrapToken", AdminToken);
        builder.UseSetting($"ControlPlane:Nodes:Credentials:{NodeId}", NodeToken);
        builder.UseSetting("ControlPlane:DataProtection:MasterKey", MasterKey);
        builder.UseSetting("Bus:Transport", "InMemory");
        builder.UseSetting("ControlPlane:Identity:RequireHttps", "false");
        builder.UseSetting("ControlPlane:Identity:PortalRedirectUris:0", PortalRedirectUri);
        builder.UseSetting("ControlPlane:Identity:FirstAdmin:Email", FirstAdminEmail);
        builder.UseSetting("ControlPlane:Identity:FirstAdmin:Password", FirstAdminPassword);
        for (var i = 0; i < AllowedPrivateNetworks.Count; i++)
        {
            builder.UseSetting($"ControlPlane:Endpoints:AllowedPrivateNetworks:{i}", AllowedPrivateNetworks[i]);
        }

        // Capture everything the product itself logs, at every level, to search it for secrets.
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:InferenceGateway", "Trace");
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IHostResolver>(Dns);
        });
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Further configuration of a fixture derived for one feature (applied last, so it wins).</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings() => [];

    /// <summary>A client authenticated as the platform admin.</summary>
    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>Runs <paramref name="work"/> with a fresh database context.</summary>
    internal async Task<T> WithDbAsync<T>(Func<ControlPlaneDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>());
    }

    public Task InitializeAsync()
    {
        _ = Services; // starts the host: migrations run now
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
    }
}
