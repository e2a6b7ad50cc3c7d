using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>Section <c>ControlPlane:Identity</c>: users, the platform issuer and the portal's OAuth client.</summary>
internal sealed class PlatformIdentityOptions
{
    public const string Section = "ControlPlane:Identity";

    /// <summary>The first platform admin, created at start when no platform admin exists yet.</summary>
    public FirstAdminOptions FirstAdmin { get; set; } = new();

    /// <summary>
    /// The issuer URL put in every token (<c>iss</c>) and in discovery. Nodes validate tokens against it, so set it in
    /// any deployment behind a proxy; when empty the server derives it from each request.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Refuse the OAuth endpoints over plain HTTP. Turn off only behind a TLS-terminating proxy or on localhost.</summary>
    public bool RequireHttps { get; set; } = true;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a generated signing key signs before its successor takes over.</summary>
    public TimeSpan SigningKeyRotation { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the next signing key is published before it signs (longer than any verifier caches a JWKS).</summary>
    public TimeSpan SigningKeyPublishLead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the control plane checks whether a key must be created, activated or retired.</summary>
    public TimeSpan SigningKeyCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A PEM file with an RSA private key to sign with instead of generated keys (the operator then rotates it).
    /// Generated keys stay published until they retire.
    /// </summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The portal's sign-in redirect URIs (authorization code + PKCE). Empty: the portal client is not registered.</summary>
    public List<string> PortalRedirectUris { get; set; } = [];

    public List<string> PortalPostLogoutRedirectUris { get; set; } = [];

    /// <summary>Failed sign-ins before a lockout, and how long the lockout lasts.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class FirstAdminOptions
{
    public string? Email { get; set; }

    public string? Password { get; set; }

    /// <summary>A file holding the password, for deployments that mount secrets as files.</summary>
    public string? PasswordFile { get; set; }

    public string? ResolvePassword() =>
        !string.IsNullOrWhiteSpace(Password) ? Password
        : !string.IsNullOrWhiteSpace(PasswordFile) && File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim()
        : null;
}

internal sealed class PlatformIdentityOptionsValidator : IValidateOptions<PlatformIdentityOptions>
{
    public const int MinPasswordLength = 12;

    public ValidateOptionsResult Validate(string? name, PlatformIdentityOptions options)
    {
        var errors = new List<string>();
        var s = PlatformIdentityOptions.Section;
        if (options.Issuer is { Length: > 0 } issuer && (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            errors.Add($"{s}:Issuer must be an absolute http(s) URL without query or fragment.");
        }

        if (options.AccessTokenLifetime < TimeSpan.FromMinutes(1) || options.AccessTokenLifetime > TimeSpan.FromHours(24))
        {
            errors.Add($"{s}:AccessTokenLifetime must be between 1 minute and 24 hours.");
        }

        if (options.RefreshTokenLifetime < options.AccessTokenLifetime || options.RefreshTokenLifetime > TimeSpan.FromDays(90))
        {
            errors.Add($"{s}:RefreshTokenLifetime must be at least the access token lifetime and at most 90 days.");
        }

        if (options.InvitationLifetime < TimeSpan.FromMinutes(10) || options.InvitationLifetime > TimeSpan.FromDays(30))
        {
            errors.Add($"{s}:InvitationLifetime must be between 10 minutes and 30 days.");
        }

        if (options.SigningKeyPublishLead < TimeSpan.FromMinutes(1) || options.SigningKeyRotation < options.SigningKeyPublishLead * 2)
        {
            errors.Add($"{s}:SigningKeyPublishLead must be at least 1 minute and {s}:SigningKeyRotation at least twice as long.");
        }

        if (options.SigningKeyCheckInterval < TimeSpan.FromSeconds(1) || options.SigningKeyCheckInterval > options.SigningKeyPublishLead)
        {
            errors.Add($"{s}:SigningKeyCheckInterval must be between 1 second and {s}:SigningKeyPublishLead.");
        }

        if (options.SigningKeyFile is { Length: > 0 } file && !File.Exists(file))
        {
            errors.Add($"{s}:SigningKeyFile names a file that does not exist.");
        }

        if (options.MaxFailedSignIns is < 1 or > 100)
        {
            errors.Add($"{s}:MaxFailedSignIns must be between 1 and 100.");
        }

        foreach (var (list, key) in new[] { (options.PortalRedirectUris, "PortalRedirectUris"), (options.PortalPostLogoutRedirectUris, "PortalPostLogoutRedirectUris") })
        {
            if (list.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var r) || r.Scheme is not ("https" or "http") || r.Fragment.Length > 0))
            {
                errors.Add($"Every entry of {s}:{key} must be an absolute http(s) URL without fragment.");
            }
        }

        var admin = options.FirstAdmin;
        if (!string.IsNullOrWhiteSpace(admin.PasswordFile) && string.IsNullOrWhiteSpace(admin.Password) && !File.Exists(admin.PasswordFile))
        {
            errors.Add($"{s}:FirstAdmin:PasswordFile names a file that does not exist.");
        }

        var password = admin.ResolvePassword();
        if (string.IsNullOrWhiteSpace(admin.Email) != (password is null))
        {
            errors.Add($"{s}:FirstAdmin needs both Email and Password (or PasswordFile), or neither.");
        }
        else if (password is { Length: < MinPasswordLength })
        {
            errors.Add($"{s}:FirstAdmin:Password must have at least {MinPasswordLength} characters.");
        }

        if (admin.Email is { Length: > 0 } email && (email.Length > 256 || !email.Contains('@', StringComparison.Ordinal)))
        {
            errors.Add($"{s}:FirstAdmin:Email must be an email address.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
