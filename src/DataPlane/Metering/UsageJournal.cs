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
internal sealed class UsageJournal
{
    public UsageJournal(IOptions<DataPlaneOptions> node, IOptions<MeteringOptions> metering)
    {
        var file = metering.Value.JournalFile;
        FilePath = Path.IsPathRooted(file) ? file : Path.Combine(node.Value.StateDirectory, file);
    }

    public string FilePath { get; }

    public bool HasEntries => File.Exists(FilePath) && new FileInfo(FilePath).Length > 0;

    /// <summary>Cuts a line left half-written by a crash, so the next append starts a line of its own.</summary>
    public int Recover()
    {
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
            return;
        }

        var temporary = FilePath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var batch in remaining)
            {
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(batch, ContractJson.Options));
                stream.WriteByte((byte)'\n');
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }
}
