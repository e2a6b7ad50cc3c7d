using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ServiceDefaults;

/// <summary>
/// The ports the product itself listens on: the configured ones (its servers and the other parts) plus the ports
/// this process's server is bound to, known once it runs. An egress allow-list entry without ports never admits
/// these, so allowing a network for model servers does not open the control plane's own API.
/// </summary>
public sealed class ProductPorts(IServiceProvider services, IEnumerable<int> configured)
{
    private readonly HashSet<int> _configured = configured.ToHashSet();
    private IReadOnlySet<int>? _withListeners;

    public IReadOnlySet<int> Current()
    {
        if (_withListeners is { } known)
        {
            return known;
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0)
        {
            return _configured;
        }

        var ports = new HashSet<int>(_configured);
        foreach (var address in addresses)
        {
            var normalized = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                ports.Add(uri.Port);
            }
        }

        return _withListeners = ports;
    }
}
