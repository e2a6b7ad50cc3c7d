using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.ServiceDefaults;

/// <summary>
/// Reports a broker outage the way an operator wants to read it: one warning when the first receive endpoint
/// loses the broker, one line when an endpoint is ready again. MassTransit's own per-attempt connection warnings
/// (with their stack traces) are filtered out by the logging defaults.
/// </summary>
internal sealed partial class BusConnectionLog(ILogger<BusConnectionLog> logger) : IReceiveEndpointObserver
{
    private int _down;
    private long _downSince;

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogReachable(logger, (long)Stopwatch.GetElapsedTime(Interlocked.Read(ref _downSince)).TotalSeconds);
        }

        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Interlocked.Exchange(ref _downSince, Stopwatch.GetTimestamp());
            LogUnreachable(logger, faulted.Exception?.GetBaseException().GetType().Name ?? "connection lost");
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    [LoggerMessage(EventId = 9000, Level = LogLevel.Warning,
        Message = "The message bus is unreachable ({Error}); reconnecting in the background. Changes and heartbeats resume when it is back")]
    private static partial void LogUnreachable(ILogger logger, string error);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "The message bus is reachable again after {Seconds} s")]
    private static partial void LogReachable(ILogger logger, long seconds);
}
