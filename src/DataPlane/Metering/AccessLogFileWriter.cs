using System.Text;
using System.Text.Json;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Writes queued access-log entries as JSON lines, off the request path. The file is flushed when its 64 KB
/// buffer fills or a quarter of a second after the last flush, not per entry: each flush is a system call.
/// </summary>
internal sealed partial class AccessLogFileWriter(AccessLog accessLog, IOptions<DataPlaneOptions> options, ILogger<AccessLogFileWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (accessLog.FileEntries is not { } entries)
        {
            return;
        }

        // A full or failing disk must not take the node down: entries are dropped (and counted) until it recovers.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WriteAsync(entries, stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(logger, ex.GetType().Name);
                var until = DateTime.UtcNow.AddSeconds(5);
                while (DateTime.UtcNow < until && entries.TryRead(out _))
                {
                    accessLog.CountDropped();
                }

                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    private async Task WriteAsync(System.Threading.Channels.ChannelReader<AccessLogEntry> entries, CancellationToken stoppingToken)
    {
        var path = options.Value.AccessLog.Path!;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
        await using var json = new Utf8JsonWriter(stream);
        var reported = 0L;
        var lastFlush = TimeProvider.System.GetTimestamp();
        try
        {
            while (true)
            {
                if (!entries.TryPeek(out _))
                {
                    // Nothing queued: flush what is buffered, then sleep until the next entry.
                    await stream.FlushAsync(stoppingToken);
                    lastFlush = TimeProvider.System.GetTimestamp();
                    if (!await entries.WaitToReadAsync(stoppingToken))
                    {
                        break;
                    }

                    // Let a burst gather before writing it.
                    await Task.Delay(FlushInterval, stoppingToken);
                }

                while (entries.TryRead(out var entry))
                {
                    Write(json, entry);
                    json.Flush();
                    json.Reset();
                    stream.WriteByte((byte)'\n');
                }

                if (TimeProvider.System.GetElapsedTime(lastFlush) >= FlushInterval)
                {
                    await stream.FlushAsync(stoppingToken);
                    lastFlush = TimeProvider.System.GetTimestamp();
                }

                if (accessLog.Dropped > reported)
                {
                    reported = accessLog.Dropped;
                    LogDropped(logger, reported);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            while (entries.TryRead(out var entry))
            {
                Write(json, entry);
                json.Flush();
                json.Reset();
                stream.WriteByte((byte)'\n');
            }
        }
    }

    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    private static void Write(Utf8JsonWriter json, AccessLogEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("at"u8, entry.At);
        json.WriteString("requestId"u8, entry.RequestId);
        json.WriteString("tenant"u8, entry.Tenant);
        json.WriteString("model"u8, entry.Model);
        json.WriteString("keyId"u8, entry.KeyId);
        json.WriteString("method"u8, entry.Method);
        json.WriteNumber("status"u8, entry.Status);
        if (entry.UpstreamMs is { } upstream)
        {
            json.WriteNumber("upstreamMs"u8, Math.Round(upstream, 3));
        }
        else
        {
            json.WriteNull("upstreamMs"u8);
        }

        json.WriteNumber("totalMs"u8, Math.Round(entry.TotalMs, 3));
        json.WriteNumber("revision"u8, entry.Revision);
        json.WriteEndObject();
    }

    [LoggerMessage(EventId = 141, Level = LogLevel.Error, Message = "Cannot write the access log ({Error}); dropping entries and retrying")]
    private static partial void LogWriteFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 140, Level = LogLevel.Warning, Message = "The access log fell behind; {Dropped} entries were dropped so far")]
    private static partial void LogDropped(ILogger logger, long dropped);
}
