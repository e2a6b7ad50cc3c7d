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
/// the same policy as at registration (the operator's allow-list entries with their ports and tenants, and the
/// deny-list), and the socket connects only to a checked address: a name that now resolves inside (DNS
/// rebinding), or to an allowed address on a port or for a tenant its entry does not admit, never gets a connection.
/// Pooled connections are keyed by scheme, host and port; registration keeps a private host:port to one tenant
/// unless an entry names several, so a pooled connection is not shared across tenants an entry separates.
/// </summary>
internal sealed class UpstreamConnector(AddressPolicy policy, IHostResolver resolver)
{
    /// <summary>The slug of the tenant whose route a request is for, set by the transformer.</summary>
    public static readonly HttpRequestOptionsKey<string> TenantOption = new("igw.tenant");

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

        // The route's tenant travels with the request that opens the connection: entries may name tenants.
        context.InitialRequestMessage.Options.TryGetValue(TenantOption, out var tenant);
        var port = context.DnsEndPoint.Port;
        foreach (var address in addresses)
        {
            if (policy.Check(address, port, tenant).Refusal is { } reason)
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
