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

    /// <summary>The shortest time between two fetches of one external issuer's JWKS prompted by an unknown <c>kid</c>.</summary>
    public TimeSpan JwksRefetchInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Non-public networks model endpoints may resolve to, with optional ports and tenants (the same allow-list as the control plane's).</summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];

    /// <summary>Networks always refused, on top of the built-in metadata and host-agent addresses.</summary>
    public List<string> DeniedNetworks { get; set; } = [];

    /// <summary>The product's own ports, never admitted by an entry without ports; null means 5432, 5672, 15672, 6379 (plus this node's listeners and the control plane's port).</summary>
    public List<int>? ProductPorts { get; set; }

    public AccessLogOptions AccessLog { get; set; } = new();

    public ForwardingOptions Forwarding { get; set; } = new();

    public NodeLimitsOptions Limits { get; set; } = new();

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

    /// <summary>The file is rotated before it grows past this. Default 100 MiB.</summary>
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>The file is rotated once it is this old. Default one day.</summary>
    public TimeSpan MaxFileAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Rotated files kept beside the current one (<c>.1</c> is the newest). Default 10.</summary>
    public int FilesKept { get; set; } = 10;

    /// <summary>Close and reopen the file on SIGHUP, for logrotate without <c>copytruncate</c>. Default on.</summary>
    public bool ReopenOnSighup { get; set; } = true;
}

/// <summary>Section <c>DataPlane:Limits</c>: what one node holds at most, whatever the plans say.</summary>
public sealed class NodeLimitsOptions
{
    /// <summary>Request-body bytes buffered at once across all requests (503 beyond it). Default 256 MiB.</summary>
    public long BufferedRequestBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Open client connections (Kestrel <c>MaxConcurrentConnections</c>). Default 10000.</summary>
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>Total size of a request's headers. Default 32 KiB.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Number of request headers. Default 100.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Request line (method, target, version). Default 8 KiB.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>Slowest accepted upload, after a grace period (Kestrel <c>MinRequestBodyDataRate</c>). Default 240 bytes/s after 5 s.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Slowest accepted download by the client (Kestrel <c>MinResponseDataRate</c>). Default 240 bytes/s after 5 s.</summary>
    public double MinResponseBytesPerSecond { get; set; } = 240;

    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time to send the request headers. Default 15 s.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Idle keep-alive connections are closed after this. Default 2 minutes.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Section <c>DataPlane:Forwarding</c>.</summary>
public sealed class ForwardingOptions
{
    /// <summary>
    /// Identity headers a client must never set; removed from every request (a trailing <c>*</c> matches a prefix).
    /// Null (unset) means <c>X-Tenant-Id, X-User-Id, X-Consumer-*, X-Authenticated-*, X-Igw-*</c>.
    /// </summary>
    public List<string>? ClientIdentityHeaders { get; set; }
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

        if (options.JwksRefetchInterval < TimeSpan.FromSeconds(1) || options.JwksRefetchInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{DataPlaneOptions.Section}:JwksRefetchInterval must be between 1 second and 1 hour.");
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

        if (options.AccessLog.MaxFileBytes < 4096 || options.AccessLog.MaxFileAge < TimeSpan.FromMinutes(1) || options.AccessLog.FilesKept is < 1 or > 1000)
        {
            errors.Add($"{DataPlaneOptions.Section}:AccessLog: MaxFileBytes is at least 4096, MaxFileAge at least one minute, FilesKept from 1 to 1000.");
        }

        var limits = options.Limits;
        if (limits.BufferedRequestBytes < 64 * 1024 || limits.MaxConcurrentConnections < 1 || limits.MaxRequestHeadersTotalSize < 1024
            || limits.MaxRequestHeaderCount < 1 || limits.MaxRequestLineSize < 256 || limits.MinRequestBodyBytesPerSecond < 0
            || limits.MinResponseBytesPerSecond < 0 || limits.MinDataRateGracePeriod < TimeSpan.FromSeconds(1)
            || limits.RequestHeadersTimeout <= TimeSpan.Zero || limits.KeepAliveTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{DataPlaneOptions.Section}:Limits has a value out of range: BufferedRequestBytes >= 65536, MaxConcurrentConnections >= 1, "
                + "MaxRequestHeadersTotalSize >= 1024, MaxRequestHeaderCount >= 1, MaxRequestLineSize >= 256, data rates >= 0, "
                + "MinDataRateGracePeriod >= 1 s, timeouts positive.");
        }

        Security.Networking.AddressPolicy.FromConfiguration(options.AllowedPrivateNetworks, options.DeniedNetworks, null, out var invalid);
        if (invalid.Count > 0)
        {
            errors.Add($"{DataPlaneOptions.Section}:AllowedPrivateNetworks or DeniedNetworks has entries that are not valid: {string.Join(", ", invalid)} "
                + "(an entry is NETWORK[:PORTS] [tenants=SLUG,...], for example 10.77.0.20/32:8080 tenants=acme).");
        }

        if (options.ProductPorts?.Any(p => p is < 1 or > 65535) == true)
        {
            errors.Add($"{DataPlaneOptions.Section}:ProductPorts lists ports from 1 to 65535.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
