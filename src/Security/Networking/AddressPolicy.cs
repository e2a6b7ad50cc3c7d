using System.Net;
using System.Net.Sockets;

namespace InferenceGateway.Security.Networking;

/// <summary>
/// Decides whether an upstream address is one the gateway may connect to: public unicast addresses, plus any
/// network the operator allow-listed (empty by default). Used at registration and again at connect time, so
/// a name that later resolves somewhere internal (DNS rebinding) is still refused.
/// </summary>
public sealed class AddressPolicy
{
    private static readonly (IPNetwork Network, string Reason)[] BlockedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified ('this network') address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.169.254/32"), "a cloud metadata address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol assignment address"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address"),
        (IPNetwork.Parse("192.88.99.0/24"), "a 6to4 relay address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address"),
    ];

    private static readonly (IPNetwork Network, string Reason)[] BlockedV6 =
    [
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("::/96"), "an IPv4-compatible address"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a local-use NAT64 address"),
        (IPNetwork.Parse("100::/64"), "a discard-only address"),
        (IPNetwork.Parse("2001::/32"), "a Teredo address"),
        (IPNetwork.Parse("2001:10::/28"), "an ORCHID address"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "a cloud metadata address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local (private) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowed;

    public AddressPolicy(IEnumerable<IPNetwork>? allowedNetworks = null)
    {
        _allowed = allowedNetworks?.ToArray() ?? [];
    }

    /// <summary>Networks the operator allowed although they are not public.</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks => _allowed;

    /// <summary>Parses allow-list entries such as <c>10.20.0.0/16</c> or <c>127.0.0.1</c>; returns the bad ones.</summary>
    public static AddressPolicy FromConfiguration(IEnumerable<string>? entries, out IReadOnlyList<string> invalid)
    {
        var networks = new List<IPNetwork>();
        var bad = new List<string>();
        foreach (var entry in entries ?? [])
        {
            var text = entry.Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(text, out var single))
            {
                networks.Add(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                bad.Add(entry);
            }
        }

        invalid = bad;
        return new AddressPolicy(networks);
    }

    /// <summary>Null when the gateway may connect to <paramref name="address"/>; otherwise why not.</summary>
    public string? Check(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            return "an address with a zone index";
        }

        foreach (var network in _allowed)
        {
            if (network.Contains(address) || (address.IsIPv4MappedToIPv6 && network.Contains(address.MapToIPv4())))
            {
                return null;
            }
        }

        return Classify(address);
    }

    /// <summary>Why <paramref name="address"/> is not a public unicast address, or null when it is.</summary>
    public static string? Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassifyV4(address);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        // Addresses that carry an IPv4 address inside are judged by that address.
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassifyV4(address.MapToIPv4());
        }

        if (Nat64.Contains(address))
        {
            return ClassifyV4(Embedded(address, 12));
        }

        if (SixToFour.Contains(address))
        {
            return ClassifyV4(Embedded(address, 2));
        }

        foreach (var (network, reason) in BlockedV6)
        {
            if (network.Contains(address))
            {
                return reason;
            }
        }

        return null;
    }

    private static string? ClassifyV4(IPAddress address)
    {
        if (address.Equals(IPAddress.Broadcast))
        {
            return "the broadcast address";
        }

        foreach (var (network, reason) in BlockedV4)
        {
            if (network.Contains(address))
            {
                return reason;
            }
        }

        return null;
    }

    private static IPAddress Embedded(IPAddress v6, int offset)
    {
        Span<byte> bytes = stackalloc byte[16];
        v6.TryWriteBytes(bytes, out _);
        return new IPAddress(bytes.Slice(offset, 4));
    }
}
