using System.Buffers;
using System.Net;
using System.Text;

namespace InferenceGateway.DataPlane.Budgets;

/// <summary>A streamed answer held to the output tokens its budget reservation left room for.</summary>
internal sealed class BudgetedEventStreamContent(HttpContent inner, BudgetHold hold) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        throw new NotSupportedException("The forwarder reads this content as a stream.");

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new BudgetedEventStream(await inner.ReadAsStreamAsync(), hold);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new BudgetedEventStream(await inner.ReadAsStreamAsync(cancellationToken), hold);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Passes an event stream event by event, counting each event's output text with the metering tokenizer. The
/// event that would take the running count past the reservation's allowance is not passed: the stream ends there
/// with one <c>event: error</c> (type <c>budget_exceeded</c>) and a normal end of body, as an SSE client expects.
/// </summary>
internal sealed class BudgetedEventStream(Stream inner, BudgetHold hold) : Stream
{
    private static readonly byte[] ErrorEvent = Encoding.UTF8.GetBytes(
        "event: error\ndata: {\"error\":{\"type\":\"budget_exceeded\",\"message\":\"The answer reached what the spend budget reserved for it.\"}}\n\n");

    private byte[]? _events;
    private int _start;
    private int _end;
    private int _passEnd;
    private int _errorOffset = -1;
    private bool _innerEnded;
    private long _tokens;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Output tokens counted so far.</summary>
    public long Tokens => _tokens;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        _events ??= ArrayPool<byte>.Shared.Rent(16 * 1024);
        while (true)
        {
            if (_start < _passEnd)
            {
                var count = Math.Min(_passEnd - _start, buffer.Length);
                _events.AsSpan(_start, count).CopyTo(buffer.Span);
                _start += count;
                return count;
            }

            if (_errorOffset >= 0)
            {
                var count = Math.Min(ErrorEvent.Length - _errorOffset, buffer.Length);
                ErrorEvent.AsSpan(_errorOffset, count).CopyTo(buffer.Span);
                _errorOffset += count;
                return count;
            }

            if (hold.StreamCut)
            {
                return 0;
            }

            var eventEnd = NextEventEnd(_events.AsSpan(_start, _end - _start));
            if (eventEnd > 0 || (_innerEnded && _end > _start))
            {
                var length = eventEnd > 0 ? eventEnd : _end - _start;
                var tokens = hold.Estimator.CountStream(_events.AsSpan(_start, length));
                if (_tokens + tokens > hold.OutputAllowance)
                {
                    hold.StreamCut = true;
                    _errorOffset = 0;
                    _start = _end = _passEnd = 0;
                    continue;
                }

                _tokens += tokens;
                _passEnd = _start + length;
                continue;
            }

            if (_innerEnded)
            {
                return 0;
            }

            Compact();
            var read = await inner.ReadAsync(_events.AsMemory(_end), cancellationToken);
            _innerEnded = read == 0;
            _end += read;
        }
    }

    /// <summary>The length of the first complete event (through its blank line), or 0.</summary>
    internal static int NextEventEnd(ReadOnlySpan<byte> span)
    {
        for (var i = 0; i + 1 < span.Length; i++)
        {
            if (span[i] != '\n')
            {
                continue;
            }

            if (span[i + 1] == '\n')
            {
                return i + 2;
            }

            if (span[i + 1] == '\r' && i + 2 < span.Length && span[i + 2] == '\n')
            {
                return i + 3;
            }
        }

        return 0;
    }

    private void Compact()
    {
        if (_start > 0)
        {
            var live = _end - _start;
            _events.AsSpan(_start, live).CopyTo(_events);
            _start = 0;
            _passEnd = 0;
            _end = live;
        }

        if (_end == _events!.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_events.Length * 2);
            _events.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_events, clearArray: true);
            _events = larger;
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
