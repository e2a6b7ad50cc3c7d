using System.Diagnostics;
using System.Reflection;
using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.RateLimiting;
using MassTransit;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>Reports the node's identity, version, applied epoch, revision and content hash, and dropped bus messages, every few seconds.</summary>
internal sealed partial class HeartbeatPublisher(
    IBus bus, NodeConfig config, NodeIdentity identity, RateLimiters limiters, Metering.AccessLog accessLog, IOptions<DataPlaneOptions> options, TimeProvider time, ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    public static readonly string Version =
        typeof(HeartbeatPublisher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private long _reportedUpTo;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        do
        {
            try
            {
                var now = Stopwatch.GetTimestamp();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await bus.Publish(Beat(_reportedUpTo), timeout.Token);

                // Only once the broker confirmed it: a lost heartbeat's key uses go out with the next one.
                _reportedUpTo = now;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public DataPlaneHeartbeat Beat(long keysUsedSince = long.MaxValue) => new()
    {
        MessageId = Guid.CreateVersion7(),
        NodeId = options.Value.NodeId,
        InstanceId = identity.InstanceId,
        Version = Version,
        AppliedRevision = config.Revision,
        Epoch = config.Epoch,
        ContentHash = config.Current?.ContentHash,
        RejectedMessages = config.RejectedMessages,
        LastRejection = config.LastRejection,
        LastRejectionAt = config.LastRejectionAt,
        LastReset = config.LastReset,
        LastResetAt = config.LastResetAt,
        LastAppliedAt = config.LastAppliedAt,
        LastApplyError = config.LastApplyError,
        LastApplyErrorAt = config.LastApplyErrorAt,
        Uptime = Stopwatch.GetElapsedTime(_startedAt),
        SentAt = time.GetUtcNow(),
        AccessLogDropped = accessLog.Dropped,
        KeysUsed = keysUsedSince == long.MaxValue ? [] : KeysUsed(keysUsedSince),
    };

    private List<KeyUse> KeysUsed(long since)
    {
        var wallNow = time.GetUtcNow();
        var tickNow = Stopwatch.GetTimestamp();
        return limiters.KeysUsedSince(since)
            .Select(k => new KeyUse { KeyId = k.KeyId, LastUsedAt = wallNow - Stopwatch.GetElapsedTime(k.LastUsed, tickNow) })
            .ToList();
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Debug, Message = "Heartbeat not sent ({Error}); the bus is unreachable")]
    private static partial void LogHeartbeatFailed(ILogger logger, string error);
}
