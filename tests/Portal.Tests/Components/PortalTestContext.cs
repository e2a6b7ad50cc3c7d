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

        // A chart measures its box in the browser; loose mode would answer null, which it does not expect.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 640, Height = 320 });
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
