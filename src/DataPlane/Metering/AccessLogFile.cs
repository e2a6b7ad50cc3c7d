namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// The access-log file on disk: appends whole batches of lines, rotates by size and by age
/// (<c>access.log</c> becomes <c>access.log.1</c>, <c>.1</c> becomes <c>.2</c>, ... and the oldest beyond the
/// number kept is deleted), and reopens the path when asked (after logrotate moved it away). Only the writer's
/// one thread touches it, and only between lines, so no line is split, lost or written twice across files.
/// </summary>
internal sealed class AccessLogFile(string path, long maxBytes, TimeSpan maxAge, int filesKept, TimeProvider time) : IDisposable
{
    private FileStream? _stream;
    private DateTimeOffset _openedAt;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public long Length => _stream?.Length ?? 0;

    public bool IsOpen => _stream is not null;

    public void Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // No FileStream buffer: the writer hands over batches of tens of kilobytes, one system call each.
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _openedAt = time.GetUtcNow();
    }

    /// <summary>
    /// Whether the file must be rotated before <paramref name="line"/> is appended after <paramref name="buffered"/>
    /// bytes (the line included) still to be written: when that would cross the size limit or the file is older
    /// than the age limit, and something precedes the line (a single line larger than the limit is not split).
    /// </summary>
    public bool IsDue(int buffered, int line)
    {
        var total = Length + buffered;
        return total - line > 0 && (total > maxBytes || (_stream is not null && time.GetUtcNow() - _openedAt >= maxAge));
    }

    public void Append(ReadOnlySpan<byte> lines) => _stream!.Write(lines);

    /// <summary>Moves the current file to <c>.1</c> (shifting older ones) and starts a new one.</summary>
    public void Rotate()
    {
        Close();
        var oldest = $"{Path}.{filesKept}";
        if (File.Exists(oldest))
        {
            File.Delete(oldest);
        }

        for (var i = filesKept - 1; i >= 1; i--)
        {
            var from = $"{Path}.{i}";
            if (File.Exists(from))
            {
                File.Move(from, $"{Path}.{i + 1}", overwrite: true);
            }
        }

        if (File.Exists(Path))
        {
            File.Move(Path, $"{Path}.1", overwrite: true);
        }

        Open();
    }

    /// <summary>Closes the file and opens the path again: what logrotate's <c>postrotate</c> asks for with SIGHUP.</summary>
    public void Reopen()
    {
        Close();
        Open();
    }

    public void Close()
    {
        _stream?.Dispose();
        _stream = null;
    }

    public void Dispose() => Close();
}
