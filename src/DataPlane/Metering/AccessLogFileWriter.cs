using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Writes queued access-log entries as JSON lines, off the request path: entries are formatted as UTF-8 straight
/// into one pre-sized buffer (no strings per request) and the buffer goes to the file in one write when it fills
/// or a quarter of a second after the first entry of a burst. Rotates by size and age; reopens the file on
/// SIGHUP. A full or failing disk drops entries (counted, reported in the heartbeat) and never slows a request.
/// </summary>
internal sealed partial class AccessLogFileWriter(AccessLog accessLog, IOptions<DataPlaneOptions> options, TimeProvider time, ILogger<AccessLogFileWriter> logger) : BackgroundService
{
    private const int BufferBytes = 64 * 1024;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ArrayBufferWriter<byte> _buffer = new(BufferBytes + 1024);
    private int _reopen;
    private int _batchEntries;
    private DateTimeOffset _failedUntil;

    /// <summary>Asks the writer to close and reopen the file before its next write (what the SIGHUP handler calls).</summary>
    public void RequestReopen() => Interlocked.Exchange(ref _reopen, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (accessLog.FileEntries is not { } entries)
        {
            return;
        }

        var settings = options.Value.AccessLog;
        using var hangup = settings.ReopenOnSighup && !OperatingSystem.IsWindows()
            ? PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup)
            : null;
        using var file = new AccessLogFile(settings.Path!, settings.MaxFileBytes, settings.MaxFileAge, settings.FilesKept, time);
        await using var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        var reported = 0L;
        try
        {
            while (await entries.WaitToReadAsync(stoppingToken))
            {
                // Let a burst gather, then write it as few large writes.
                await Task.Delay(FlushInterval, time, stoppingToken);
                Drain(entries, file, json);
                if (accessLog.Dropped > reported)
                {
                    reported = accessLog.Dropped;
                    LogDropped(logger, reported);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Drain(entries, file, json);
        }
    }

    /// <summary>The SIGHUP handler: reopen instead of the default (terminating the process).</summary>
    internal void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true;
        RequestReopen();
    }

    private void Drain(ChannelReader<AccessLogEntry> entries, AccessLogFile file, Utf8JsonWriter json)
    {
        while (entries.TryRead(out var entry))
        {
            var before = _buffer.WrittenCount;
            Format(json, entry);
            _batchEntries++;
            var line = _buffer.WrittenCount - before;
            if (file.IsDue(before + line, line))
            {
                // Rotate on a line boundary: what is buffered goes to the current file, this line starts the next.
                WriteOut(file, before, keep: line);
                Guarded(file, file.Rotate);
            }

            if (_buffer.WrittenCount >= BufferBytes)
            {
                WriteOut(file, _buffer.WrittenCount, keep: 0);
            }
        }

        WriteOut(file, _buffer.WrittenCount, keep: 0);
    }

    /// <summary>Writes the first <paramref name="count"/> buffered bytes and keeps the last <paramref name="keep"/> for the next file.</summary>
    private void WriteOut(AccessLogFile file, int count, int keep)
    {
        var entriesOut = keep > 0 ? _batchEntries - 1 : _batchEntries;
        if (count > 0)
        {
            if (!EnsureOpen(file) || !Guarded(file, () => file.Append(_buffer.WrittenSpan[..count])))
            {
                accessLog.CountDropped(entriesOut);
            }
        }

        var rest = keep > 0 ? _buffer.WrittenSpan[^keep..].ToArray() : null;
        _buffer.ResetWrittenCount();
        _batchEntries = keep > 0 ? 1 : 0;
        if (rest is not null)
        {
            _buffer.Write(rest);
        }
    }

    private bool EnsureOpen(AccessLogFile file)
    {
        if (Interlocked.Exchange(ref _reopen, 0) == 1 && file.IsOpen)
        {
            LogReopened(logger);
            return Guarded(file, file.Reopen);
        }

        if (file.IsOpen)
        {
            return true;
        }

        return time.GetUtcNow() >= _failedUntil && Guarded(file, file.Open);
    }

    /// <summary>Runs a file operation; an I/O failure closes the file and pauses writing (entries meanwhile are dropped and counted).</summary>
    private bool Guarded(AccessLogFile file, Action operation)
    {
        try
        {
            operation();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, ex.GetType().Name);
            file.Close();
            _failedUntil = time.GetUtcNow() + RetryAfterFailure;
            return false;
        }
    }

    private void Format(Utf8JsonWriter json, in AccessLogEntry entry)
    {
        json.Reset();
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
        if (entry.WouldHaveBeenLimited)
        {
            json.WriteBoolean("wouldHaveBeenLimited"u8, true);
        }

        if (entry.BudgetWouldLimit is { } rule)
        {
            json.WriteString("wouldHaveBeenLimitedBy"u8, rule); // a shadow budget rule's verdict; the request was served
        }
        json.WriteEndObject();
        json.Flush();
        _buffer.Write("\n"u8);
    }

    [LoggerMessage(EventId = 141, Level = LogLevel.Error, Message = "Cannot write the access log ({Error}); dropping entries and retrying")]
    private static partial void LogWriteFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 140, Level = LogLevel.Warning, Message = "The access log fell behind or could not be written; {Dropped} entries were dropped so far")]
    private static partial void LogDropped(ILogger logger, long dropped);

    [LoggerMessage(EventId = 142, Level = LogLevel.Information, Message = "Reopened the access log file (SIGHUP)")]
    private static partial void LogReopened(ILogger logger);
}
