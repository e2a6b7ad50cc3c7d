using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InferenceGateway.Security.Networking;

/// <summary>
/// One operator allow-list entry for non-public upstreams: a network, optionally ports and tenants.
/// Syntax: <c>NETWORK[:PORTS] [tenants=SLUG[,SLUG...]]</c>, where NETWORK is a CIDR block or one address
/// (IPv6 in brackets when ports follow: <c>[fd00::/64]:8080</c>) and PORTS a comma list of ports or ranges
/// (<c>8000-8099</c>). Without ports an entry admits every port except the product's own; without tenants it
/// admits every tenant, but a private address:port registered by one tenant stays that tenant's;
/// <c>tenants=*</c> admits every tenant and lets them share an address:port.
/// </summary>
public sealed record EgressEntry(IPNetwork Network, IReadOnlyList<(int From, int To)>? Ports, IReadOnlySet<string>? Tenants, string Text)
{
    /// <summary><c>tenants=*</c>: every tenant, sharing allowed.</summary>
    public bool SharedByAll { get; init; }

    /// <summary>Whether an address:port this entry admits belongs to the first tenant that registers it.</summary>
    public bool IsExclusive => Tenants is null && !SharedByAll;

    public bool Matches(IPAddress address) =>
        Network.Contains(address) || (address.IsIPv4MappedToIPv6 && Network.Contains(address.MapToIPv4()));

    /// <summary>Whether the entry admits <paramref name="port"/>; an entry without ports never admits a protected (product) port.</summary>
    public bool AdmitsPort(int port, IReadOnlySet<int> protectedPorts) =>
        Ports is null ? !protectedPorts.Contains(port) : Ports.Any(r => port >= r.From && port <= r.To);

    public bool AdmitsTenant(string? tenant) => Tenants is null || (tenant is not null && Tenants.Contains(tenant));

    public static bool TryParse(string? text, out EgressEntry? entry)
    {
        entry = null;
        var parts = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > 2)
        {
            return false;
        }

        HashSet<string>? tenants = null;
        var shared = false;
        if (parts.Length == 2 && parts[1] == "tenants=*")
        {
            shared = true;
        }
        else if (parts.Length == 2)
        {
            if (!parts[1].StartsWith("tenants=", StringComparison.Ordinal))
            {
                return false;
            }

            tenants = parts[1]["tenants=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            if (tenants.Count == 0)
            {
                return false;
            }
        }

        var target = parts[0];
        string networkText;
        string? portText = null;
        if (target.StartsWith('['))
        {
            var close = target.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            networkText = target[1..close];
            var rest = target[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return false;
                }

                portText = rest[1..];
            }
        }
        else if (target.Count(c => c == ':') == 1)
        {
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            networkText = target[..colon];
            portText = target[(colon + 1)..];
        }
        else
        {
            networkText = target;
        }

        if (!TryParseNetwork(networkText, out var network))
        {
            return false;
        }

        List<(int, int)>? ports = null;
        if (portText is not null)
        {
            ports = [];
            foreach (var item in portText.Split(','))
            {
                var range = item.Split('-');
                if (range.Length is 0 or > 2 || !TryPort(range[0], out var from))
                {
                    return false;
                }

                var to = from;
                if (range.Length == 2 && (!TryPort(range[1], out to) || to < from))
                {
                    return false;
                }

                ports.Add((from, to));
            }
        }

        entry = new EgressEntry(network, ports, tenants, text!.Trim()) { SharedByAll = shared };
        return true;
    }

    internal static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var single) && !text.Contains('/'))
        {
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}

/// <summary>What the policy decided for one address and port, and which entry admitted it when it is not public.</summary>
public readonly record struct EgressDecision(string? Refusal, EgressEntry? AdmittedBy)
{
    public bool Allowed => Refusal is null;
}
