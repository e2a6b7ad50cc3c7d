using System.Net;
using System.Text;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// An upstream server-sent-events body with a maximum duration and a maximum idle gap. When either runs out
/// the upstream read is cancelled and the stream ends the way an SSE client understands: one
/// <c>event: error</c> and a normal end of body, never a cut connection.
/// </summary>
internal sealed class BoundedEventStreamContent(HttpContent inner, TimeSpan? maxDuration, TimeSpan maxIdle, TimeProvider time) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        throw new NotSupportedException("The forwarder reads this content as a stream.");

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new BoundedEventStream(await inner.ReadAsStreamAsync(), maxDuration, maxIdle, time);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new BoundedEventStream(await inner.ReadAsStreamAsync(cancellationToken), maxDuration, maxIdle, time);

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

internal sealed class BoundedEventStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _maxIdle;
    private readonly TimeProvider _time;
    private readonly long _deadline;
    private CancellationTokenSource? _timer;
    private byte[]? _pending;
    private int _pendingOffset;
    private bool _ended;
    private byte _last1 = (byte)'\n';
    private byte _last2 = (byte)'\n';

    public BoundedEventStream(Stream inner, TimeSpan? maxDuration, TimeSpan maxIdle, TimeProvider time)
    {
        _inner = inner;
        _maxIdle = maxIdle;
        _time = time;
        _deadline = maxDuration is { } d ? time.GetTimestamp() + (long)(d.TotalSeconds * time.TimestampFrequency) : long.MaxValue;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending is not null)
        {
            return buffer.Length == 0 ? 0 : TakePending(buffer.Span);
        }

        if (_ended)
        {
            return 0;
        }

        var left = _deadline == long.MaxValue ? TimeSpan.MaxValue : _time.GetElapsedTime(_time.GetTimestamp(), _deadline);
        if (left <= TimeSpan.Zero)
        {
            return End(buffer.Span, DurationMessage);
        }

        var wait = left < _maxIdle ? left : _maxIdle;
        _timer ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timer.CancelAfter(wait);
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, _timer.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && _timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return End(buffer.Span, wait == _maxIdle ? IdleMessage : DurationMessage);
        }

        _timer.CancelAfter(Timeout.InfiniteTimeSpan);
        if (buffer.Length == 0)
        {
            return 0; // a zero-byte read only waits for data
        }

        if (read == 0)
        {
            _ended = true;
        }
        else if (read == 1)
        {
            (_last2, _last1) = (_last1, buffer.Span[0]);
        }
        else
        {
            (_last2, _last1) = (buffer.Span[read - 2], buffer.Span[read - 1]);
        }

        return read;
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
            _timer?.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private const string DurationMessage = "The stream reached the maximum duration the gateway allows.";
    private const string IdleMessage = "The model endpoint sent nothing for longer than the gateway allows.";

    /// <summary>The error event, after a blank line when the upstream stopped inside an event.</summary>
    private int End(Span<byte> buffer, string message)
    {
        _ended = true;
        var boundary = _last1 == '\n' && _last2 == '\n';
        var text = $"{(boundary ? string.Empty : "\n\n")}event: error\ndata: {{\"error\":{{\"type\":\"stream_limit\",\"message\":\"{message}\"}}}}\n\n";
        _pending = Encoding.UTF8.GetBytes(text);
        _pendingOffset = 0;
        return buffer.Length == 0 ? 0 : TakePending(buffer);
    }

    private int TakePending(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _pending!.Length - _pendingOffset);
        _pending.AsSpan(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        if (_pendingOffset == _pending.Length)
        {
            _pending = null;
        }

        return count;
    }
}
