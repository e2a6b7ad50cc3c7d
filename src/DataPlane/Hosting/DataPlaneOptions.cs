using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Hosting;

/// <summary>Section <c>DataPlane</c>.</summary>
public sealed class DataPlaneOptions
{
    public const string Section = "DataPlane";

    /// <summary>Names the node in heartbeats and the fleet view; also names its queue. Stable across restarts.</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>Base URL of the control plane, for snapshot pulls.</summary>
    public string? ControlPlaneUrl { get; set; }

    /// <summary>This node's own credential for the snapshot API (<c>ControlPlane:Nodes:Credentials:&lt;NodeId&gt;</c>, or issued by the admin API).</summary>
    public string? NodeToken { get; set; }

    /// <summary>
    /// Optional pin: the control plane's delta-signing public keys (SubjectPublicKeyInfo, base64, or PEM). When set,
    /// only these verify bus deltas; when empty, the keys in the snapshot (fetched over the authenticated API) do.
    /// </summary>
    public List<string> ConfigSigningKeys { get; set; } = [];

    /// <summary>Base64 of 32 random bytes: encrypts the last-known-good snapshot on disk.</summary>
    public string? SnapshotKey { get; set; }

    /// <summary>Where the node keeps its encrypted snapshot.</summary>
    public string StateDirectory { get; set; } = Path.Combine("data", "dataplane");

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the node asks for changes even without a message, to catch anything the bus lost.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Non-public networks model endpoints may resolve to (the same allow-list as the control plane's).</summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];

    public AccessLogOptions AccessLog { get; set; } = new();

    public byte[] SnapshotKeyBytes() => Convert.FromBase64String(SnapshotKey!);

    /// <summary>The pinned signing keys by key id (the first 16 hex digits of the SHA-256 of the key's bytes).</summary>
    internal IReadOnlyDictionary<string, byte[]> PinnedSigningKeys()
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var text in ConfigSigningKeys)
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(text);
            }
            else
            {
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(text.Trim()), out _);
            }

            var spki = key.ExportSubjectPublicKeyInfo();
            keys[Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(spki))[..16]] = spki;
        }

        return keys;
    }
}

/// <summary>Section <c>DataPlane:AccessLog</c>.</summary>
public sealed class AccessLogOptions
{
    /// <summary>A JSON-lines file to append one line per request to; off when empty.</summary>
    public string? Path { get; set; }

    /// <summary>Entries queued for the writer; beyond this, entries are dropped (and counted) rather than slow requests.</summary>
    public int BufferSize { get; set; } = 65_536;
}

internal sealed class DataPlaneOptionsValidator : IValidateOptions<DataPlaneOptions>
{
    public ValidateOptionsResult Validate(string? name, DataPlaneOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NodeId) || options.NodeId.Length > 100 || !options.NodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add($"{DataPlaneOptions.Section}:NodeId is required: up to 100 letters, digits, '-', '_' and '.'.");
        }

        if (!Uri.TryCreate(options.ControlPlaneUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{DataPlaneOptions.Section}:ControlPlaneUrl is required: the control plane's http(s) base URL.");
        }

        if (string.IsNullOrWhiteSpace(options.NodeToken) || options.NodeToken.Trim().Length < 32)
        {
            errors.Add($"{DataPlaneOptions.Section}:NodeToken is required (at least 32 characters).");
        }

        try
        {
            if (string.IsNullOrWhiteSpace(options.SnapshotKey) || Convert.FromBase64String(options.SnapshotKey).Length != 32)
            {
                errors.Add($"{DataPlaneOptions.Section}:SnapshotKey is required: base64 of 32 random bytes (for example `openssl rand -base64 32`).");
            }
        }
        catch (FormatException)
        {
            errors.Add($"{DataPlaneOptions.Section}:SnapshotKey is not valid base64.");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{DataPlaneOptions.Section}:HeartbeatInterval and PollInterval must be positive.");
        }

        if (options.AccessLog.BufferSize is < 1 or > 10_000_000)
        {
            errors.Add($"{DataPlaneOptions.Section}:AccessLog:BufferSize is from 1 to 10000000.");
        }

        try
        {
            options.PinnedSigningKeys();
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            errors.Add($"{DataPlaneOptions.Section}:ConfigSigningKeys has an entry that is not an ECDSA public key (base64 SubjectPublicKeyInfo or PEM).");
        }

        Security.Networking.AddressPolicy.FromConfiguration(options.AllowedPrivateNetworks, out var invalid);
        if (invalid.Count > 0)
        {
            errors.Add($"{DataPlaneOptions.Section}:AllowedPrivateNetworks has entries that are not networks: {string.Join(", ", invalid)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
