using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Batches the node could not publish, one JSON line each, in the order they were made. Each append is flushed to
/// disk before the reporter moves on, so a batch the node has drained is either on the bus or on disk. Replays keep
/// the batch ids, so a batch that was in fact delivered before its failure was reported is not counted twice.
/// </summary>
/// <remarks>
/// After a partly failed replay the journal is rewritten whole, crash-safe: the remaining batches go to a temporary
/// file that is flushed to disk, renamed over the journal (atomic on POSIX) and the directory flushed, so the rename
/// itself survives a power cut. A crash at any step leaves either the old journal (its batches replayed again, found
/// already applied by their ids) or the new one, never a mix; a temporary file left by a crash is removed at start.
/// </remarks>
internal sealed class UsageJournal
{
    public UsageJournal(IOptions<DataPlaneOptions> node, IOptions<MeteringOptions> metering)
    {
        var file = metering.Value.JournalFile;
        FilePath = Path.IsPathRooted(file) ? file : Path.Combine(node.Value.StateDirectory, file);
    }

    public string FilePath { get; }

    /// <summary>Where a rewrite is prepared before it replaces the journal.</summary>
    public string TemporaryPath => FilePath + ".tmp";

    public bool HasEntries => File.Exists(FilePath) && new FileInfo(FilePath).Length > 0;

    /// <summary>
    /// Removes a rewrite a crash left unfinished (the journal it was to replace is still whole) and cuts a line left
    /// half-written by a crash, so the next append starts a line of its own.
    /// </summary>
    public int Recover()
    {
        if (File.Exists(TemporaryPath))
        {
            File.Delete(TemporaryPath);
        }

        if (!File.Exists(FilePath))
        {
            return 0;
        }

        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var length = stream.Length;
        var end = length;
        var one = new byte[1];
        while (end > 0)
        {
            stream.Position = end - 1;
            stream.ReadExactly(one);
            if (one[0] == '\n')
            {
                break;
            }

            end--;
        }

        if (end < length)
        {
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }

        return (int)(length - end);
    }

    public void Append(UsageReported batch)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        var line = JsonSerializer.SerializeToUtf8Bytes(batch, ContractJson.Options);
        using var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.WriteByte((byte)'\n');
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The journal's batches in order; a line that cannot be read is skipped and counted.</summary>
    public List<UsageReported> ReadAll(out int unreadable)
    {
        unreadable = 0;
        var batches = new List<UsageReported>();
        if (!File.Exists(FilePath))
        {
            return batches;
        }

        foreach (var line in File.ReadLines(FilePath, Encoding.UTF8))
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<UsageReported>(line, ContractJson.Options) is { } batch)
                {
                    batches.Add(batch);
                    continue;
                }
            }
            catch (JsonException)
            {
            }

            unreadable++;
        }

        return batches;
    }

    /// <summary>Replaces the journal with the batches still to send (none: the file goes), atomically.</summary>
    public void Rewrite(IReadOnlyList<UsageReported> remaining)
    {
        if (remaining.Count == 0)
        {
            File.Delete(FilePath);
            FlushDirectory();
            return;
        }

        WriteTemporary(remaining);
        File.Move(TemporaryPath, FilePath, overwrite: true);
        FlushDirectory();
    }

    /// <summary>The first step of <see cref="Rewrite"/>: the remaining batches in the temporary file, on disk.</summary>
    internal void WriteTemporary(IReadOnlyList<UsageReported> remaining)
    {
        using var stream = new FileStream(TemporaryPath, FileMode.Create, FileAccess.Write, FileShare.None);
        foreach (var batch in remaining)
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(batch, ContractJson.Options));
            stream.WriteByte((byte)'\n');
        }

        stream.Flush(flushToDisk: true);
    }

    /// <summary>fsync of the journal's directory, so a rename or delete in it is on disk (POSIX; Windows' rename needs none).</summary>
    private void FlushDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(FilePath))!;
        var descriptor = Open(directory, 0 /* O_RDONLY */);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open the journal's directory to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"cannot flush the journal's directory (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    // Classic interop: LibraryImport would need unsafe code enabled for the whole project, for three calls.
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
