using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Cluster;

/// <summary>
/// Section <c>DataPlane:Redis</c>: the Redis that cluster-wide limits (and budgets) share. Without a connection string
/// the cluster features are off and the node enforces every limit on its own, as before.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "DataPlane:Redis";

    /// <summary>A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379,password=...</c>. Empty: cluster features off.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long one connection attempt (and one command) may take before Redis counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the node checks that Redis answers (a PING), and so how soon it notices Redis is back.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Prefix of every key the node writes, so several gateways (or test runs) can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "igw:";

    internal bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var errors = new List<string>();
        if (options.Enabled)
        {
            try
            {
                var parsed = StackExchange.Redis.ConfigurationOptions.Parse(options.ConnectionString!);
                if (parsed.EndPoints.Count == 0)
                {
                    errors.Add($"{RedisOptions.Section}:ConnectionString names no endpoint (host:port).");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                errors.Add($"{RedisOptions.Section}:ConnectionString is not a valid Redis configuration string (host:port[,option=value...]).");
            }
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(50) || options.ConnectTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{RedisOptions.Section}:ConnectTimeout is from 50 ms to 1 minute.");
        }

        if (options.HealthInterval < TimeSpan.FromMilliseconds(50) || options.HealthInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{RedisOptions.Section}:HealthInterval is from 50 ms to 1 minute.");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 64 || options.KeyPrefix.Any(c => char.IsWhiteSpace(c) || c is '{' or '}'))
        {
            // Braces would make a hash tag of the prefix: every key of the gateway in one Redis Cluster slot.
            errors.Add($"{RedisOptions.Section}:KeyPrefix is 1 to 64 characters without spaces or braces.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
