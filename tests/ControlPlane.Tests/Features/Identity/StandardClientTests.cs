using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Client;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

/// <summary>An off-the-shelf OAuth client (OpenIddict.Client), configured with nothing but the issuer and its credentials.</summary>
public sealed class StandardClientTests : IAsyncLifetime
{
    // OpenIddict's HTTP clients accept only their own socket handler, so this app listens on a real port.
    private readonly ControlPlaneApp app = new();

    public Task InitializeAsync()
    {
        app.UseKestrel(InferenceGateway.TestSupport.FreePort.Next());
        return app.InitializeAsync();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)app).DisposeAsync();

    [Fact]
    public async Task OpenIddictClient_DoesDiscoveryAndClientCredentials_Unchanged()
    {
        var admin = app.Admin();
        var (tenant, _) = await admin.CreateTenantAsync();
        var created = await admin.PostOkAsync($"/api/v1/tenants/{tenant}/oauth-clients", new { name = "standard", allowedModels = new[] { "chat", "embed" } });

        var services = new ServiceCollection();
        var logs = new InferenceGateway.TestSupport.LogCapture();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        services.AddOpenIddict().AddClient(o =>
        {
            o.AllowClientCredentialsFlow();
            o.DisableTokenStorage();
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.UseSystemNetHttp();
            o.AddRegistration(new OpenIddictClientRegistration
            {
                Issuer = new Uri(admin.BaseAddress!, "/"),
                ClientId = (string)created["client"]!["clientId"]!,
                ClientSecret = (string)created["clientSecret"]!,
            });
        });
        await using var provider = services.BuildServiceProvider();

        OpenIddictClientModels.ClientCredentialsAuthenticationResult result;
        try
        {
            result = await provider.GetRequiredService<OpenIddictClientService>()
                .AuthenticateWithClientCredentialsAsync(new() { Scopes = ["model:chat"] });
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(string.Join("\n", logs.Lines.TakeLast(30)), e);
        }

        var claims = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(result.AccessToken.Split('.')[1]))!;
        Assert.Equal(tenant, (string)claims["tenant"]!);
        Assert.Equal("model:chat", (string)claims["scope"]!);
    }
}
