using Bunit;
using InferenceGateway.ControlPlane.Client;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace InferenceGateway.Portal.Tests.Components;

/// <summary>A bunit context with the portal's services, the typed client replaced by <see cref="FakeControlPlaneApi"/>.</summary>
public abstract class PortalTestContext : BunitContext
{
    internal FakeControlPlaneApi Api { get; } = new();

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddSingleton<IControlPlaneApi>(Api);
        Services.AddScoped<PortalContext>();
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new PortalOptions
        {
            ControlPlaneUrl = "https://cp.example.test",
            GatewayUrl = "https://gateway.example.test",
        }));
    }

    protected static ControlPlaneApiException Validation(string field, string message) =>
        new(400, "One or more validation errors occurred.", null, new Dictionary<string, string[]> { [field] = [message] });
}
