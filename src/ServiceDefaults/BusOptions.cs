using System.ComponentModel.DataAnnotations;

namespace InferenceGateway.ServiceDefaults;

/// <summary>Section <c>Bus</c>: which transport carries config revisions, heartbeats and usage.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary><c>RabbitMq</c> in the distributed mode; <c>InMemory</c> when every part runs in one process.</summary>
    public BusTransport Transport { get; set; } = BusTransport.RabbitMq;

    [Required]
    public string Host { get; set; } = Environment.GetEnvironmentVariable("IGW_RABBITMQ_HOST") ?? "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = int.TryParse(Environment.GetEnvironmentVariable("IGW_RABBITMQ_PORT"), out var p) ? p : 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = Environment.GetEnvironmentVariable("IGW_RABBITMQ_USER") ?? "igw";

    [Required]
    public string Password { get; set; } = Environment.GetEnvironmentVariable("IGW_RABBITMQ_PASSWORD") ?? "igw";

    /// <summary>
    /// Prefixes every exchange and queue name, so several environments (or test runs) can share one broker
    /// without seeing each other's messages. Empty by default.
    /// </summary>
    [RegularExpression("^[a-z0-9-]{0,40}$")]
    public string EntityPrefix { get; set; } = string.Empty;

    /// <summary>How long a publish may wait for the broker's confirm before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public enum BusTransport
{
    RabbitMq,
    InMemory,
}
