using System.Net;
using System.Net.Sockets;

namespace InferenceGateway.TestSupport;

/// <summary>A listener that only counts connections: proof that nobody connected to an address that must stay unreached.</summary>
public sealed class ConnectionCanary : IDisposable
{
    private readonly TcpListener _listener;
    private int _connections;

    public ConnectionCanary(string address)
    {
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        while (true)
        {
            try
            {
                using var socket = await _listener.AcceptSocketAsync();
                Interlocked.Increment(ref _connections);
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    public void Dispose() => _listener.Stop();
}
