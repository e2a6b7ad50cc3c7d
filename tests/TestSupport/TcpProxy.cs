using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace InferenceGateway.TestSupport;

/// <summary>
/// A TCP relay to a real server (RabbitMQ, say) that a test can cut: <see cref="Stop"/> closes every relayed
/// connection and refuses new ones, as if the server went down; <see cref="Start"/> brings it back on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _running;

    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Port = FreePort.Next();
    }

    public int Port { get; }

    public bool IsRunning => _listener is not null;

    public void Start()
    {
        if (_listener is not null)
        {
            return;
        }

        _running = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener, _running.Token);
    }

    public void Stop()
    {
        _running?.Cancel();
        _listener?.Stop();
        _listener = null;
        foreach (var socket in _open.Keys)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose();
        }

        _open.Clear();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception)
            {
                return;
            }

            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[server] = 0;
        try
        {
            await server.ConnectAsync(_target, cancellationToken);
            using var a = new NetworkStream(client, ownsSocket: false);
            using var b = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(a.CopyToAsync(b, cancellationToken), b.CopyToAsync(a, cancellationToken));
        }
        catch (Exception)
        {
            // A cut connection ends either copy; nothing to report.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
