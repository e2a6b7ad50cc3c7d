using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InferenceGateway.DataPlane.Cluster;

/// <summary>
/// The node's one connection to Redis. It connects in the background and keeps trying; nothing on the request path
/// waits for it: callers read <see cref="IsHealthy"/> (a field) and send commands only from background work.
/// Going away and coming back are logged once each, not once per retry.
/// </summary>
internal sealed partial class RedisConnection : BackgroundService
{
    private readonly RedisOptions _options;
    private readonly ILogger<RedisConnection> _logger;
    private ConnectionMultiplexer? _multiplexer;
    private volatile bool _healthy;
    private int _reportedDown;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _logger = logger;
        KeyPrefix = _options.KeyPrefix;
    }

    /// <summary>False when no connection string is configured: the cluster features are off.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Redis answered the last health check and the connection is up. Never blocks.</summary>
    public bool IsHealthy => _healthy;

    public string KeyPrefix { get; }

    /// <summary>Raised (on a background thread) when <see cref="IsHealthy"/> changes.</summary>
    public event Action<bool>? HealthChanged;

    /// <summary>The database to send commands to; null until the first connection attempt has been made.</summary>
    public IDatabase? Database => _multiplexer?.GetDatabase();

    /// <summary>Marks Redis unhealthy at once when a command failed, without waiting for the next health check.</summary>
    public void ReportFailure() => SetHealthy(false, "a command failed");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        await Task.Yield();

        var timeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        var configuration = ConfigurationOptions.Parse(_options.ConnectionString!);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        configuration.ConnectRetry = 1;
        configuration.ClientName ??= "igw-dataplane";

        // Start with the worst assumption and say nothing until the first check: a node that starts before Redis
        // logs one warning, like a node that loses it.
        _reportedDown = 0;
        try
        {
            _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (RedisConnectionException)
        {
            // AbortOnConnectFail = false makes this rare; the loop below retries either way.
        }

        if (_multiplexer is not null)
        {
            _multiplexer.ConnectionFailed += (_, _) => SetHealthy(false, "the connection failed");

            // The first handshake may still be under way: give it its timeout before calling Redis unreachable.
            var start = Environment.TickCount64;
            while (!_multiplexer.IsConnected && Environment.TickCount64 - start < timeout)
            {
                await Task.Delay(20, stoppingToken).ConfigureAwait(false);
            }
        }

        using var timer = new PeriodicTimer(_options.HealthInterval);
        do
        {
            if (_multiplexer is null)
            {
                try
                {
                    _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
                    _multiplexer.ConnectionFailed += (_, _) => SetHealthy(false, "the connection failed");
                }
                catch (RedisConnectionException)
                {
                    SetHealthy(false, "it cannot be reached");
                    continue;
                }
            }

            await CheckAsync().ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            multiplexer.Dispose();
        }
    }

    private async Task CheckAsync()
    {
        var multiplexer = _multiplexer!;
        if (!multiplexer.IsConnected)
        {
            SetHealthy(false, "it cannot be reached");
            return;
        }

        try
        {
            await multiplexer.GetDatabase().PingAsync().ConfigureAwait(false);
            SetHealthy(true, null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            SetHealthy(false, "it does not answer");
        }
    }

    private void SetHealthy(bool healthy, string? reason)
    {
        var was = _healthy;
        _healthy = healthy;
        if (healthy)
        {
            if (Interlocked.Exchange(ref _reportedDown, 0) == 1)
            {
                LogBack(_logger);
            }
        }
        else if (Interlocked.Exchange(ref _reportedDown, 1) == 0)
        {
            LogDown(_logger, reason ?? "it cannot be reached");
        }

        if (was != healthy)
        {
            HealthChanged?.Invoke(healthy);
        }
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Redis is unavailable ({Reason}); cluster limits fall back to their Redis-down mode until it is back")]
    private static partial void LogDown(ILogger logger, string reason);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Redis is reachable again; cluster limits are counted in Redis")]
    private static partial void LogBack(ILogger logger);
}
