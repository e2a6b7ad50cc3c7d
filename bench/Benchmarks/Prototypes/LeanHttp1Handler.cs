using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace InferenceGateway.Benchmarks.Prototypes;

/// <summary>
/// Phase-1 prototype (bench only): an HTTP/1.1 <see cref="HttpMessageHandler"/> with its own keep-alive pool to one
/// upstream, the request head written straight into a pooled buffer, the response head parsed into an
/// <see cref="HttpResponseMessage"/>, the body a stream bounded by Content-Length. Enough for the bench request
/// (GET, Content-Length response); not a product handler.
/// </summary>
internal sealed class LeanHttp1Handler(IPEndPoint upstream) : HttpMessageHandler
{
    private readonly ConcurrentStack<LeanConnection> _idle = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_idle.TryPop(out var connection))
        {
            var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(upstream, cancellationToken);
            connection = new LeanConnection(socket, this);
        }

        try
        {
            return await connection.SendAsync(request, cancellationToken);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal void Return(LeanConnection connection) => _idle.Push(connection);
}

internal sealed class LeanConnection(Socket socket, LeanHttp1Handler owner) : IDisposable
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public async ValueTask<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var length = WriteHead(request, _buffer);
        await socket.SendAsync(_buffer.AsMemory(0, length), SocketFlags.None, cancellationToken);
        _start = _end = 0;
        int headEnd;
        while ((headEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
        {
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new HttpRequestException("upstream closed");
            }

            _end += read;
        }

        var response = new HttpResponseMessage { Version = HttpVersion.Version11, RequestMessage = request };
        var head = _buffer.AsSpan(0, headEnd + 2);
        var lineEnd = head.IndexOf("\r\n"u8);
        var status = head[..lineEnd];
        response.StatusCode = (HttpStatusCode)((status[9] - '0') * 100 + (status[10] - '0') * 10 + (status[11] - '0'));
        head = head[(lineEnd + 2)..];
        long contentLength = -1;
        var content = new LeanContent();
        while (head.Length > 0)
        {
            lineEnd = head.IndexOf("\r\n"u8);
            var line = head[..lineEnd];
            head = head[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            var name = Encoding.ASCII.GetString(line[..colon]);
            var value = Encoding.ASCII.GetString(line[(colon + 1)..].Trim((byte)' '));
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = long.Parse(value);
                }

                content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }
        }

        _start = headEnd + 4;
        content.Body = new LeanBodyStream(this, contentLength);
        response.Content = content;
        return response;
    }

    internal async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_start < _end)
        {
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span);
            _start += n;
            return n;
        }

        return await socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken);
    }

    internal void Release() => owner.Return(this);

    private static int WriteHead(HttpRequestMessage request, byte[] buffer)
    {
        var span = buffer.AsSpan();
        var n = Encoding.ASCII.GetBytes(request.Method.Method, span);
        span[n++] = (byte)' ';
        n += Encoding.ASCII.GetBytes(request.RequestUri!.PathAndQuery, span[n..]);
        " HTTP/1.1\r\nHost: "u8.CopyTo(span[n..]);
        n += 17;
        n += Encoding.ASCII.GetBytes(request.RequestUri.Authority, span[n..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        foreach (var header in request.Headers.NonValidated)
        {
            n += Encoding.ASCII.GetBytes(header.Key, span[n..]);
            span[n++] = (byte)':';
            span[n++] = (byte)' ';
            var first = true;
            foreach (var value in header.Value)
            {
                if (!first)
                {
                    span[n++] = (byte)',';
                }

                first = false;
                n += Encoding.ASCII.GetBytes(value, span[n..]);
            }

            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
        }

        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        return n;
    }

    public void Dispose() => socket.Dispose();
}

internal sealed class LeanContent : HttpContent
{
    public Stream Body { get; set; } = Stream.Null;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Body.CopyToAsync(stream);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(Body);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

internal sealed class LeanBodyStream(LeanConnection connection, long remaining) : Stream
{
    private long _remaining = remaining;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0)
        {
            return 0;
        }

        if (buffer.Length == 0)
        {
            return 0; // a zero-byte read (the copier waiting for data without a buffer)
        }

        var n = await connection.ReadBodyAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken);
        if (n == 0)
        {
            throw new IOException("upstream closed mid-body");
        }

        _remaining -= n;
        if (_remaining == 0)
        {
            connection.Release();
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
