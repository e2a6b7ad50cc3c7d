using System.Buffers;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Counts the bytes of an answer and reads the model's usage from it. A JSON answer is copied (bounded) and its
/// top-level <c>usage</c> read at the end. An event stream is passed on event by event: an event that mentions
/// <c>usage</c> is read, and the usage-only event the node asked for on the client's behalf is not passed on.
/// Complete events go to the client as soon as they are complete; only a partial event waits for its end.
/// </summary>
internal sealed class MeteredStream(Stream inner, UsageCapture capture) : Stream
{
    private static readonly byte[] UsageName = "\"usage\""u8.ToArray();
    private byte[]? _events;
    private int _eventsStart;
    private int _eventsEnd;
    private int _passEnd;
    private bool _innerEnded;
    private bool _finished;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!capture.EventStream)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                capture.BytesOut += read;
                capture.Append(buffer.Span[..read]);
            }
            else if (buffer.Length > 0)
            {
                Finish();
            }

            return read;
        }

        return await ReadEventsAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadEventsAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        _events ??= ArrayPool<byte>.Shared.Rent(16 * 1024);
        while (true)
        {
            // Bytes of events already inspected and passed.
            if (_eventsStart < _passEnd)
            {
                var count = Math.Min(_passEnd - _eventsStart, buffer.Length);
                _events.AsSpan(_eventsStart, count).CopyTo(buffer.Span);
                _eventsStart += count;
                capture.BytesOut += count;
                return count;
            }

            var end = NextEventEnd();
            if (end > 0)
            {
                // The node's own usage event is skipped: not for this client.
                _passEnd = end;
                if (!Inspect(_events.AsSpan(_eventsStart, end - _eventsStart)))
                {
                    _eventsStart = end;
                }

                continue;
            }

            if (_innerEnded)
            {
                if (_eventsEnd > _eventsStart)
                {
                    // A last event without its blank line: passed on as it came.
                    Inspect(_events.AsSpan(_eventsStart, _eventsEnd - _eventsStart));
                    _passEnd = _eventsEnd;
                    continue;
                }

                Finish();
                return 0;
            }

            Compact();
            var read = await inner.ReadAsync(_events.AsMemory(_eventsEnd), cancellationToken);
            _innerEnded = read == 0;
            _eventsEnd += read;
        }
    }

    /// <summary>The end of the next complete event (after its blank line), or 0.</summary>
    private int NextEventEnd()
    {
        var span = _events.AsSpan(_eventsStart, _eventsEnd - _eventsStart);
        for (var i = span.IndexOf((byte)'\n'); i >= 0 && i + 1 < span.Length; i = Next(span, i))
        {
            if (span[i + 1] == '\n')
            {
                return _eventsStart + i + 2;
            }

            if (span[i + 1] == '\r' && i + 2 < span.Length && span[i + 2] == '\n')
            {
                return _eventsStart + i + 3;
            }
        }

        return 0;
    }

    private static int Next(ReadOnlySpan<byte> span, int i)
    {
        var next = span[(i + 1)..].IndexOf((byte)'\n');
        return next < 0 ? -1 : i + 1 + next;
    }

    /// <summary>Reads the usage of an event that has one; false for the usage event the client did not ask for.</summary>
    private bool Inspect(ReadOnlySpan<byte> evt)
    {
        capture.Append(evt);
        if (evt.IndexOf(UsageName) < 0)
        {
            return true;
        }

        var data = DataOf(evt);
        var usage = UsageParser.Read(data, capture.MaxTokens);
        if (usage.Status == UsageStatus.Absent)
        {
            return true;
        }

        capture.Usage = usage;
        return !(capture.StripUsageEvent && HasNoChoices(data));
    }

    /// <summary>The event's data (a single <c>data:</c> line, as OpenAI sends).</summary>
    private static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> evt)
    {
        var start = evt.IndexOf("data:"u8);
        if (start < 0)
        {
            return default;
        }

        var data = evt[(start + 5)..];
        var end = data.IndexOf((byte)'\n');
        return (end < 0 ? data : data[..end]).Trim(" \r"u8);
    }

    /// <summary>OpenAI's usage chunk has <c>"choices": []</c>.</summary>
    private static bool HasNoChoices(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("\"choices\""u8);
        if (at < 0)
        {
            return true;
        }

        var rest = data[(at + 9)..].TrimStart(" :"u8);
        return rest.Length >= 2 && rest[0] == '[' && rest[1..].TrimStart(" "u8) is [(byte)']', ..];
    }

    private void Compact()
    {
        if (_eventsStart > 0)
        {
            var live = _eventsEnd - _eventsStart;
            _events.AsSpan(_eventsStart, live).CopyTo(_events);
            _eventsStart = 0;
            _passEnd = 0;
            _eventsEnd = live;
        }

        if (_eventsEnd == _events!.Length)
        {
            // One event larger than the buffer: grow (bounded by the endpoint's own stream limits upstream).
            var larger = ArrayPool<byte>.Shared.Rent(_events.Length * 2);
            _events.AsSpan(0, _eventsEnd).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_events, clearArray: true);
            _events = larger;
        }
    }

    /// <summary>At the end of a JSON answer: read its usage.</summary>
    private void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (!capture.EventStream && !capture.CopyOverflowed)
        {
            capture.Usage = UsageParser.Read(capture.Copy, capture.MaxTokens);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            if (_events is not null)
            {
                ArrayPool<byte>.Shared.Return(_events, clearArray: true);
                _events = null;
            }
        }

        base.Dispose(disposing);
    }
}
