using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;
using Microsoft.AspNetCore.Components;

namespace InferenceGateway.Portal.Components.Shared;

/// <summary>
/// A page of one tenant (<c>/t/{TenantId}/...</c>): it loads only when the user's role in that tenant admits it. A
/// tenant the user does not belong to reads as not found, like the API answers it, so a typed URL tells nothing.
/// </summary>
public abstract class TenantPage : ComponentBase
{
    [Parameter]
    public Guid TenantId { get; set; }

    [Inject]
    internal PortalContext Context { get; set; } = null!;

    [Inject]
    protected IControlPlaneApi Api { get; set; } = null!;

    protected MeResponse? Me { get; private set; }

    /// <summary>The user's membership in the tenant; null for a platform admin who is not a member.</summary>
    protected MeTenant? Membership { get; private set; }

    /// <summary>Null while loading; false when the page is not for this user.</summary>
    protected bool? Allowed { get; private set; }

    protected ControlPlaneApiException? Error { get; set; }

    protected string TenantLabel => Membership?.DisplayName ?? "this tenant";

    /// <summary>The tenant roles the page is for.</summary>
    protected abstract IReadOnlyCollection<string> Roles { get; }

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            Me = await Context.MeAsync();
            Membership = Me.Tenants.FirstOrDefault(t => t.TenantId == TenantId);
            Allowed = PortalContext.Allows(Me, TenantId, Roles);
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
