using System.Net;
using System.Net.Sockets;
using InferenceGateway.Security.Networking;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>Thrown when a model endpoint's name resolves to an address the gateway must not connect to.</summary>
internal sealed class UpstreamAddressRefusedException(string reason) : Exception($"The upstream resolved to {reason}.")
{
    public string Reason { get; } = reason;
}

/// <summary>
/// The connect step of every upstream connection. The host is resolved here, every address is checked against
/// the same public-address policy as at registration (with the operator's allow-list), and the socket connects
/// only to a checked address: a name that now resolves inside (DNS rebinding) never gets a connection.
/// </summary>
internal sealed class UpstreamConnector(AddressPolicy policy, IHostResolver resolver)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else if (HostName.TryParse(host, out var name, out _) && name.IsLocalhostName)
        {
            addresses = [IPAddress.Loopback];
        }
        else
        {
            addresses = await resolver.ResolveAsync(host, cancellationToken);
        }

        if (addresses.Length == 0)
        {
            throw new UpstreamAddressRefusedException("no address");
        }

        foreach (var address in addresses)
        {
            if (policy.Check(address) is { } reason)
            {
                throw new UpstreamAddressRefusedException(reason);
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
