using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using InferenceGateway.Security.Networking;

namespace InferenceGateway.TestSupport;

/// <summary>DNS for tests: names resolve to whatever the test says, and can change (DNS rebinding).</summary>
public sealed class FakeHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

    public FakeHostResolver Set(string name, params string[] addresses)
    {
        _names[name] = addresses.Select(IPAddress.Parse).ToArray();
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _names.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}
