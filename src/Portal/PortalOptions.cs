using Microsoft.Extensions.Options;

namespace InferenceGateway.Portal;

/// <summary>Section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Base URL of the control plane: its admin API, and the OpenID Connect issuer the portal signs users in with.</summary>
    public string? ControlPlaneUrl { get; set; }

    /// <summary>
    /// The control plane as browsers reach it (its issuer, <c>ControlPlane:Identity:Issuer</c>), when that differs from
    /// <see cref="ControlPlaneUrl"/> (a container network name, say). Browsers are sent here to sign in; the portal's own
    /// calls to it (discovery, tokens) still go to <see cref="ControlPlaneUrl"/>. Empty: the same URL.
    /// </summary>
    public string? PublicControlPlaneUrl { get; set; }

    /// <summary>The portal's OAuth client id at the control plane (a public client: authorization code + PKCE).</summary>
    public string ClientId { get; set; } = "portal";

    /// <summary>
    /// The data plane's public base URL, put into the "how to call" snippets (<c>{GatewayUrl}/t/{tenant}/{model}/v1</c>).
    /// </summary>
    public string? GatewayUrl { get; set; }

    /// <summary>Where the keys that encrypt sign-in cookies are kept; replicas of the portal must share it.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>
    /// Base64 of 32 random bytes that encrypts those keys where they are kept: a sign-in cookie carries the user's
    /// tokens, so the keys must not sit in clear. Required outside Development.
    /// </summary>
    public string? MasterKey { get; set; }
}

internal sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var errors = new List<string>();
        if (!IsHttpUrl(options.ControlPlaneUrl))
        {
            errors.Add($"{PortalOptions.Section}:ControlPlaneUrl is required: the control plane's http(s) base URL.");
        }

        if (!IsHttpUrl(options.GatewayUrl))
        {
            errors.Add($"{PortalOptions.Section}:GatewayUrl is required: the data plane's public http(s) base URL, shown in the how-to-call snippets.");
        }

        if (!string.IsNullOrEmpty(options.PublicControlPlaneUrl) && !IsHttpUrl(options.PublicControlPlaneUrl))
        {
            errors.Add($"{PortalOptions.Section}:PublicControlPlaneUrl must be an http(s) URL without query or fragment when set.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{PortalOptions.Section}:ClientId is required: the portal's client id at the control plane.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.Fragment.Length == 0;
}
