using Microsoft.AspNetCore.DataProtection;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

/// <summary>
/// Encrypts upstream credentials at rest with ASP.NET Core Data Protection (keys kept in the database, so every
/// control-plane replica can decrypt) and checks their shape: a credential becomes a request header upstream.
/// </summary>
internal sealed class UpstreamCredentials(IDataProtectionProvider provider)
{
    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection", "Upgrade", "TE",
        "Trailer", "Keep-Alive", "Expect", "Cookie", "Forwarded", "Via", "X-Real-IP", "Proxy-Authorization", "Proxy-Connection",
    };

    private readonly IDataProtector _protector = provider.CreateProtector("InferenceGateway.UpstreamCredential.v1");

    public string Protect(string value) => _protector.Protect(value);

    public string Unprotect(string protectedValue) => _protector.Unprotect(protectedValue);

    public static void Validate(UpstreamCredentialRequest credential, string field, Infrastructure.ValidationErrors errors)
    {
        var name = credential.HeaderName;
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !name.All(IsTokenChar))
        {
            errors.Add($"{field}.headerName", "The header name is required: at most 100 letters, digits and !#$%&'*+-.^_`|~.");
        }
        else if (ForbiddenHeaders.Contains(name) || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-Igw-", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{field}.headerName", $"The header '{name}' is managed by the gateway and cannot carry a credential.");
        }

        var value = credential.Value;
        if (string.IsNullOrEmpty(value) || value.Length > 4096 || !value.All(c => c is '\t' or (>= ' ' and <= '~')) || value != value.Trim())
        {
            // The value is deliberately not echoed.
            errors.Add($"{field}.value", "The credential is required: 1 to 4096 visible ASCII characters, without leading or trailing spaces.");
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}
