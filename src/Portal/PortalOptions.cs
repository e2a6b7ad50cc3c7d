using Microsoft.Extensions.Options;

namespace InferenceGateway.Portal;

/// <summary>Section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Base URL of the control-plane API the portal calls on the signed-in user's behalf.</summary>
    public string? ControlPlaneUrl { get; set; }

    /// <summary>Where the keys that encrypt sign-in cookies are kept; replicas of the portal must share it.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>
    /// Base64 of 32 random bytes that encrypts those keys where they are kept: a sign-in cookie carries the
    /// operator's token, so the keys must not sit in clear. Required outside Development.
    /// </summary>
    public string? MasterKey { get; set; }
}

internal sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options) =>
        Uri.TryCreate(options.ControlPlaneUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PortalOptions.Section}:ControlPlaneUrl is required: the control plane's http(s) base URL.");
}
