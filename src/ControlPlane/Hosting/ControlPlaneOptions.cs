using InferenceGateway.ControlPlane.Infrastructure.Auth;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Hosting;

internal enum DatabaseProvider
{
    Postgres,
    Sqlite,
}

/// <summary>Section <c>ControlPlane:Database</c>.</summary>
internal sealed class DatabaseOptions
{
    public const string Section = "ControlPlane:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Postgres;

    /// <summary>Defaults to the local PostgreSQL that <c>scripts/services.sh</c> starts.</summary>
    public string ConnectionString { get; set; } = DefaultPostgres();

    /// <summary>Apply pending migrations at start (several replicas may start at once: EF Core takes a lock).</summary>
    public bool MigrateOnStart { get; set; } = true;

    public static string DefaultPostgres(string database = "igw") =>
        $"Host={Env("IGW_PG_HOST", "127.0.0.1")};Port={Env("IGW_PG_PORT", "5432")};Database={database};" +
        $"Username={Env("IGW_PG_USER", "igw")};Password={Env("IGW_PG_PASSWORD", "igw")}";

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
}

/// <summary>Section <c>ControlPlane:Admin</c>: the platform-admin bootstrap token (until users exist).</summary>
internal sealed class AdminOptions
{
    public const string Section = "ControlPlane:Admin";

    public string? BootstrapToken { get; set; }

    /// <summary>A file holding the token, for deployments that mount secrets as files.</summary>
    public string? BootstrapTokenFile { get; set; }

    public string? ResolveToken() =>
        !string.IsNullOrWhiteSpace(BootstrapToken) ? BootstrapToken.Trim()
        : !string.IsNullOrWhiteSpace(BootstrapTokenFile) && File.Exists(BootstrapTokenFile) ? File.ReadAllText(BootstrapTokenFile).Trim()
        : null;
}

/// <summary>Section <c>ControlPlane:Nodes</c>: the credentials data-plane nodes present to fetch snapshots.</summary>
internal sealed class NodeAuthOptions
{
    public const string Section = "ControlPlane:Nodes";

    /// <summary>
    /// <c>ControlPlane:Nodes:Credentials:&lt;nodeId&gt;</c> = that node's token (for automation and compose). Tokens
    /// issued through the admin API are kept hashed in the database and take precedence; a revoked one also refuses
    /// the configured token of that node.
    /// </summary>
    public Dictionary<string, string> Credentials { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a node process holds its node id after its last pull or heartbeat: another process with the same id is refused (409) meanwhile.</summary>
    public TimeSpan InstanceLease { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Section <c>ControlPlane:Endpoints</c>: the SSRF policy for model endpoints.</summary>
internal sealed class EndpointPolicyOptions
{
    public const string Section = "ControlPlane:Endpoints";

    /// <summary>
    /// Non-public networks that model endpoints may use anyway, with optional ports and tenants
    /// (<c>10.77.0.20/32:8080 tenants=acme</c>; see <see cref="Security.Networking.EgressEntry"/>). Empty by default.
    /// </summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];

    /// <summary>Networks always refused, on top of the built-in metadata and host-agent addresses (for example 168.63.129.16).</summary>
    public List<string> DeniedNetworks { get; set; } = [];

    /// <summary>The product's own ports, never admitted by an entry without ports; null means 5432, 5672, 15672, 6379 (plus this process's listeners).</summary>
    public List<int>? ProductPorts { get; set; }
}

/// <summary>Section <c>ControlPlane:Plans</c>: bounds the operator sets on every plan.</summary>
internal sealed class PlanPolicyOptions
{
    public const string Section = "ControlPlane:Plans";

    /// <summary>The largest request body a plan may allow (bodies are buffered whole on the nodes). Default 32 MiB.</summary>
    public long MaxRequestBodyBytesCeiling { get; set; } = Features.Plans.PlanRules.DefaultBodyBytesCeiling;
}

internal sealed class ControlPlaneOptionsValidator :
    IValidateOptions<AdminOptions>, IValidateOptions<NodeAuthOptions>, IValidateOptions<EndpointPolicyOptions>, IValidateOptions<DatabaseOptions>,
    IValidateOptions<PlanPolicyOptions>
{
    public const int MinTokenLength = 32;

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BootstrapTokenFile) && string.IsNullOrWhiteSpace(options.BootstrapToken) && !File.Exists(options.BootstrapTokenFile))
        {
            return ValidateOptionsResult.Fail($"{AdminOptions.Section}:BootstrapTokenFile names a file that does not exist.");
        }

        var token = options.ResolveToken();
        return token is null
            ? ValidateOptionsResult.Fail($"{AdminOptions.Section}:BootstrapToken (or {AdminOptions.Section}:BootstrapTokenFile) is required.")
            : token.Length < MinTokenLength
                ? ValidateOptionsResult.Fail($"{AdminOptions.Section}:BootstrapToken must have at least {MinTokenLength} characters.")
                : ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, NodeAuthOptions options)
    {
        var errors = new List<string>();
        foreach (var (nodeId, token) in options.Credentials)
        {
            if (!NodeIds.IsValid(nodeId))
            {
                errors.Add($"{NodeAuthOptions.Section}:Credentials has a node id that is not valid ({NodeIds.Rule}).");
            }
            else if ((token ?? string.Empty).Trim().Length < MinTokenLength)
            {
                errors.Add($"{NodeAuthOptions.Section}:Credentials:{nodeId} must have at least {MinTokenLength} characters.");
            }
        }

        if (options.InstanceLease <= TimeSpan.Zero || options.InstanceLease > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{NodeAuthOptions.Section}:InstanceLease is from 1 second to 10 minutes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, EndpointPolicyOptions options)
    {
        Security.Networking.AddressPolicy.FromConfiguration(options.AllowedPrivateNetworks, options.DeniedNetworks, null, out var invalid);
        return invalid.Count > 0
            ? ValidateOptionsResult.Fail($"{EndpointPolicyOptions.Section}:AllowedPrivateNetworks or DeniedNetworks has entries that are not valid: {string.Join(", ", invalid)} "
                + "(an entry is NETWORK[:PORTS] [tenants=SLUG,...], for example 10.77.0.20/32:8080 tenants=acme).")
            : options.ProductPorts?.Any(p => p is < 1 or > 65535) == true
                ? ValidateOptionsResult.Fail($"{EndpointPolicyOptions.Section}:ProductPorts lists ports from 1 to 65535.")
                : ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, PlanPolicyOptions options) =>
        options.MaxRequestBodyBytesCeiling is < 1024 or > Features.Plans.PlanRules.MaxBodyBytesCeiling
            ? ValidateOptionsResult.Fail($"{PlanPolicyOptions.Section}:MaxRequestBodyBytesCeiling is from 1024 to {Features.Plans.PlanRules.MaxBodyBytesCeiling} bytes.")
            : ValidateOptionsResult.Success;

    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail($"{DatabaseOptions.Section}:ConnectionString is required.")
            : ValidateOptionsResult.Success;
}

