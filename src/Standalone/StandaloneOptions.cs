using System.Net;

namespace InferenceGateway.Standalone;

/// <summary>Section <c>Standalone</c>: where the single process keeps its data and which ports it listens on.</summary>
internal sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    /// <summary>SQLite database, secrets, the node's snapshot and standalone.json. Relative to the current directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Address every part listens on; loopback by default.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int ControlPlanePort { get; set; } = 5080;

    public int GatewayPort { get; set; } = 5090;

    public int SampleModelPort { get; set; } = 5300;

    public int PortalPort { get; set; } = 5070;

    public IPAddress Address => IPAddress.Parse(Host);

    public string Url(int port) => $"http://{(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host)}:{port}";

    public IEnumerable<string> Validate()
    {
        if (!IPAddress.TryParse(Host, out _))
        {
            yield return $"{Section}:Host must be an IP address.";
        }

        var ports = new[] { ControlPlanePort, GatewayPort, SampleModelPort, PortalPort };
        if (ports.Any(p => p is < 1 or > 65535) || ports.Distinct().Count() != ports.Length)
        {
            yield return $"{Section}:ControlPlanePort, GatewayPort, SampleModelPort and PortalPort must be distinct ports from 1 to 65535.";
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{Section}:DataDirectory is required.";
        }
    }
}
