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

    /// <summary>Refused whatever the allow-list says: metadata and host-agent endpoints of the clouds.</summary>
    public static readonly IReadOnlyList<string> AlwaysDenied = ["169.254.169.254/32", "168.63.129.16/32", "100.100.100.200/32", "fd00:ec2::254/128"];

    /// <summary>Ports of the product and its servers, refused through entries without ports (in addition to the process's own).</summary>
    public static readonly IReadOnlyList<int> DefaultProductPorts = [5432, 5672, 15672, 6379];

    private readonly EgressEntry[] _allowed;
    private readonly IPNetwork[] _builtIn = [.. AlwaysDenied.Select(IPNetwork.Parse)];
    private readonly IPNetwork[] _denied;
    private readonly Func<IReadOnlySet<int>> _protectedPorts;

    public AddressPolicy(IEnumerable<IPNetwork>? allowedNetworks = null)
        : this(allowedNetworks?.Select(n => new EgressEntry(n, null, null, n.ToString())), null, null)
    {
    }

    /// <param name="allowed">Allow-list entries for non-public addresses.</param>
    /// <param name="denied">Operator networks refused on top of <see cref="AlwaysDenied"/>.</param>
    /// <param name="protectedPorts">The product's own ports, asked at each check (listening ports are known only once the server runs).</param>
    public AddressPolicy(IEnumerable<EgressEntry>? allowed, IEnumerable<IPNetwork>? denied, Func<IReadOnlySet<int>>? protectedPorts)
    {
        _allowed = allowed?.ToArray() ?? [];
        _denied = [.. denied ?? []];
        var defaults = DefaultProductPorts.ToHashSet();
        _protectedPorts = protectedPorts ?? (() => defaults);
    }

    /// <summary>Networks the operator allowed although they are not public.</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks => _allowed.Select(e => e.Network).ToList();

    public IReadOnlyList<EgressEntry> Entries => _allowed;

    /// <summary>Parses allow-list entries (see <see cref="EgressEntry"/>); returns the bad ones.</summary>
    public static AddressPolicy FromConfiguration(IEnumerable<string>? entries, out IReadOnlyList<string> invalid) =>
        FromConfiguration(entries, null, null, out invalid);

    /// <summary>Parses allow-list and deny-list entries; returns the bad ones of both.</summary>
    public static AddressPolicy FromConfiguration(IEnumerable<string>? entries, IEnumerable<string>? denied, Func<IReadOnlySet<int>>? protectedPorts, out IReadOnlyList<string> invalid)
    {
        var allowed = new List<EgressEntry>();
        var deny = new List<IPNetwork>();
        var bad = new List<string>();
        foreach (var entry in entries ?? [])
        {
            if (EgressEntry.TryParse(entry, out var parsed))
            {
                allowed.Add(parsed!);
            }
            else
            {
                bad.Add(entry);
            }
        }

        foreach (var entry in denied ?? [])
        {
            if (EgressEntry.TryParseNetwork(entry.Trim(), out var network))
            {
                deny.Add(network);
            }
            else
            {
                bad.Add(entry);
            }
        }

        invalid = bad;
        return new AddressPolicy(allowed, deny, protectedPorts);
    }

    /// <summary>Null when the gateway may connect to <paramref name="address"/> on some port; otherwise why not (address only, no port or tenant rule).</summary>
    public string? Check(IPAddress address)
    {
        if (Denied(address) is { } denied)
        {
            return denied;
        }

        foreach (var entry in _allowed)
        {
            if (entry.Matches(address))
            {
                return null;
            }
        }

        return Classify(address);
    }

    /// <summary>The full decision for a connection: the address, the port and the tenant it is for.</summary>
    public EgressDecision Check(IPAddress address, int port, string? tenant)
    {
        if (Denied(address) is { } denied)
        {
            return new EgressDecision(denied, null);
        }

        var protectedPorts = _protectedPorts();
        string? refusal = null;
        foreach (var entry in _allowed)
        {
            if (!entry.Matches(address))
            {
                continue;
            }

            if (entry.AdmitsPort(port, protectedPorts) && entry.AdmitsTenant(tenant))
            {
                return new EgressDecision(null, entry);
            }

            refusal = "an allow-listed address, but not for this port or tenant";
        }

        return Classify(address) is { } reason ? new EgressDecision(refusal ?? reason, null) : new EgressDecision(null, null);
    }

    private string? Denied(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            return "an address with a zone index";
        }

        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : null;
        foreach (var network in _builtIn)
        {
            if (network.Contains(address) || (v4 is not null && network.Contains(v4)))
            {
                return "a cloud metadata or host-agent address";
            }
        }

        foreach (var network in _denied)
        {
            if (network.Contains(address) || (v4 is not null && network.Contains(v4)))
            {
                return "an address the operator denied";
            }
        }

        return null;
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
