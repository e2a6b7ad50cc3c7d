using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.ServiceDefaults;

/// <summary>
/// Writes the propagation timeline's marks to its file, off the path they time: one line per mark,
/// <c>HH:mm:ss.ffffff point revision gc-pause-ms</c>, flushed whenever the queue is empty.
/// </summary>
internal sealed partial class PropagationTimelineWriter(PropagationTimeline timeline, ILogger<PropagationTimelineWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (timeline.Reader is not { } reader || timeline.Path is not { } path)
        {
            return;
        }

        try
        {
            await using var file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (reader.TryRead(out var mark))
                {
                    await file.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{new DateTime(mark.UtcTicks, DateTimeKind.Utc):HH:mm:ss.ffffff} {mark.Point} {mark.Revision} {TimeSpan.FromTicks(mark.GcPauseTicks).TotalMilliseconds:F3}"));
                }

                await file.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            LogWriteFailed(logger, ex.GetType().Name);
        }
        catch (UnauthorizedAccessException ex)
        {
            LogWriteFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 9010, Level = LogLevel.Warning, Message = "The propagation timeline cannot be written ({Error}); it records nothing more")]
    private static partial void LogWriteFailed(ILogger logger, string error);
}

public static class PropagationTimelineExtensions
{
    /// <summary>The propagation timeline (<see cref="PropagationTimeline"/>), once per process even when several parts share one.</summary>
    public static IHostApplicationBuilder AddPropagationTimeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DiagnosticsOptions>().BindConfiguration(DiagnosticsOptions.Section).ValidateOnStart();
        builder.Services.TryAddSingleton<PropagationTimeline>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PropagationTimelineWriter>());
        return builder;
    }
}
