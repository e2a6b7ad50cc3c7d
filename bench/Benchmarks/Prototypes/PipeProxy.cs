using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace InferenceGateway.Benchmarks.Prototypes;

/// <summary>
/// Phase-1 prototype (bench only), the floor for an HTTP-aware proxy on Kestrel: no YARP, no HttpClient. The request
/// head is serialized from Kestrel's request into a pooled upstream connection, the response head parsed from a
/// <see cref="PipeReader"/> over it, and the Content-Length body copied into Kestrel's response <see cref="PipeWriter"/>.
/// </summary>
internal static class PipeProxy
{
    private sealed class Upstream(Socket socket)
    {
        public Socket Socket { get; } = socket;
        public PipeReader Reader { get; } = PipeReader.Create(new NetworkStream(socket, ownsSocket: true));
        public byte[] Head { get; } = new byte[8192];
    }

    public static async Task RunAsync(int port, string upstream)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        var uri = new Uri(upstream);
        var endpoint = new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
        var authority = Encoding.ASCII.GetBytes(uri.Authority);
        var idle = new ConcurrentStack<Upstream>();
        app.Run(async context =>
        {
            if (!idle.TryPop(out var up))
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint);
                up = new Upstream(socket);
            }

            var n = WriteHead(context.Request, authority, up.Head);
            await up.Socket.SendAsync(up.Head.AsMemory(0, n), SocketFlags.None);
            long remaining = await ReadHeadAsync(up.Reader, context.Response);
            var writer = context.Response.BodyWriter;
            while (remaining > 0)
            {
                var result = await up.Reader.ReadAsync();
                var buffer = result.Buffer;
                var take = buffer.Slice(0, Math.Min(buffer.Length, remaining));
                foreach (var segment in take)
                {
                    writer.Write(segment.Span);
                }

                remaining -= take.Length;
                up.Reader.AdvanceTo(take.End);
                if (result.IsCompleted && remaining > 0)
                {
                    throw new IOException("upstream closed mid-body");
                }
            }

            idle.Push(up);
        });
        await app.RunAsync();
    }

    /// <summary>Kestrel answering by itself with the upstream's body, configured as the proxies are: Kestrel's own share.</summary>
    public static async Task RunSelfAsync(int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = InferenceGateway.Benchmarks.Upstream.Body.Length;
            return context.Response.Body.WriteAsync(InferenceGateway.Benchmarks.Upstream.Body).AsTask();
        });
        await app.RunAsync();
    }

    private static int WriteHead(HttpRequest request, byte[] authority, byte[] buffer)
    {
        var span = buffer.AsSpan();
        var n = Encoding.ASCII.GetBytes(request.Method, span);
        span[n++] = (byte)' ';
        n += Encoding.ASCII.GetBytes(request.Path.Value!, span[n..]);
        if (request.QueryString.HasValue)
        {
            n += Encoding.ASCII.GetBytes(request.QueryString.Value!, span[n..]);
        }

        " HTTP/1.1\r\nHost: "u8.CopyTo(span[n..]);
        n += 17;
        authority.CopyTo(span[n..]);
        n += authority.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        foreach (var header in request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            n += Encoding.ASCII.GetBytes(header.Key, span[n..]);
            span[n++] = (byte)':';
            span[n++] = (byte)' ';
            n += Encoding.ASCII.GetBytes(header.Value.ToString(), span[n..]);
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
        }

        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        return n;
    }

    private static async ValueTask<long> ReadHeadAsync(PipeReader reader, HttpResponse response)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            var end = Find(buffer);
            if (end >= 0)
            {
                var length = Parse(buffer.Slice(0, end + 2), response);
                reader.AdvanceTo(buffer.GetPosition(end + 4));
                return length;
            }

            if (result.IsCompleted)
            {
                throw new IOException("upstream closed");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static long Find(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> head, "\r\n\r\n"u8, advancePastDelimiter: false) ? head.Length : -1;
    }

    private static long Parse(ReadOnlySequence<byte> sequence, HttpResponse response)
    {
        Span<byte> head = stackalloc byte[(int)sequence.Length];
        sequence.CopyTo(head);
        var lineEnd = head.IndexOf("\r\n"u8);
        response.StatusCode = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        head = head[(lineEnd + 2)..];
        long length = -1;
        while (head.Length > 0)
        {
            lineEnd = head.IndexOf("\r\n"u8);
            var line = head[..lineEnd];
            head = head[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (name.SequenceEqual("Content-Length"u8) || System.Text.Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                length = long.Parse(Encoding.ASCII.GetString(value));
                response.ContentLength = length;
            }
            else
            {
                response.Headers.Append(Encoding.ASCII.GetString(name), new StringValues(Encoding.ASCII.GetString(value)));
            }
        }

        return length;
    }
}
