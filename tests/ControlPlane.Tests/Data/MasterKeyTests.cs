using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.ControlPlane.Tests.Data;

/// <summary>A control plane started with another master key than the one its key ring was written with says so at start.</summary>
public sealed class MasterKeyTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Start_WithADifferentMasterKey_ReportsTheUnreadableKeyRing()
    {
        // The fixture wrote a key ring under its master key when it registered a credential.
        var admin = app.Admin();
        var (tenantId, _) = await admin.CreateTenantAsync();
        await admin.PostOkAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "m", baseUrl = "https://api.example.com", upstreamCredential = new { headerName = "X-Key", value = "secret" } });
        Assert.Equal(0, app.Services.GetRequiredService<KeyRingCheck>().UnreadableKeys);

        var logs = new LogCapture();
        await using var other = new OtherMasterKey(app.Database.ConnectionString, logs);
        _ = other.Services;

        Assert.True(other.Services.GetRequiredService<KeyRingCheck>().UnreadableKeys > 0);
        Assert.Contains(logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("ControlPlane:DataProtection:MasterKey", StringComparison.Ordinal));
    }

    private sealed class OtherMasterKey(string connectionString, LogCapture logs) : WebApplicationFactory<ControlPlaneMarker>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ControlPlane:Database:ConnectionString", connectionString);
            builder.UseSetting("ControlPlane:Admin:BootstrapToken", ControlPlaneApp.AdminToken);
            builder.UseSetting($"ControlPlane:Nodes:Credentials:{ControlPlaneApp.NodeId}", ControlPlaneApp.NodeToken);
            builder.UseSetting("ControlPlane:DataProtection:MasterKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            builder.UseSetting("Bus:Transport", "InMemory");
            builder.ConfigureLogging(l => l.AddProvider(logs));
        }
    }
}
