using InferenceGateway.ControlPlane.Client;
using Microsoft.AspNetCore.Components;

namespace InferenceGateway.Portal.Components.Shared;

/// <summary>A page for platform admins only; anyone else sees "not found", as for a tenant they do not belong to.</summary>
public abstract class PlatformPage : ComponentBase
{
    [Inject]
    internal PortalContext Context { get; set; } = null!;

    [Inject]
    protected IControlPlaneApi Api { get; set; } = null!;

    protected bool? Allowed { get; private set; }

    protected ControlPlaneApiException? Error { get; set; }

    protected override async Task OnInitializedAsync()
    {
        try
        {
            Allowed = PortalContext.IsPlatformAdmin(await Context.MeAsync());
            if (Allowed == true)
            {
                await LoadAsync();
            }
        }
        catch (ControlPlaneApiException ex)
        {
            Error = ex;
            Allowed ??= false;
        }
    }

    protected abstract Task LoadAsync();
}
