using System.Net;
using System.Net.Sockets;

namespace InferenceGateway.Security.Networking;

/// <summary>Resolves host names; replaceable so tests can simulate DNS (and DNS rebinding).</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>The outcome of validating a model endpoint URL: the canonical URL, or every reason it was refused.</summary>
public sealed record EndpointUrlResult(Uri? Url, IReadOnlyList<string> Errors)
{
    public bool IsValid => Url is not null && Errors.Count == 0;
}

/// <summary>
/// Registration-time SSRF check: the URL must parse strictly and its host, and every address the host resolves
/// to, must pass the <see cref="AddressPolicy"/>. Error messages never echo a resolved address, so the check
/// cannot be used to map internal DNS.
/// </summary>
public sealed class EndpointUrlValidator(AddressPolicy policy, IHostResolver resolver)
{
    /// <summary>The address policy this validator applies.</summary>
    public AddressPolicy Policy => policy;

    public async Task<EndpointUrlResult> ValidateAsync(string? raw, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (!EndpointUrl.TryParse(raw, out var url, out var host, errors))
        {
            return new EndpointUrlResult(null, errors);
        }

        foreach (var address in await AddressesOfAsync(host, errors, cancellationToken))
        {
            if (policy.Check(address) is { } reason)
            {
                errors.Add(host.IsAddress
                    ? $"The host is {reason}; only public addresses are allowed."
                    : $"The host resolves to {reason}; only public addresses are allowed.");
                break;
            }
        }

        return errors.Count == 0 ? new EndpointUrlResult(url, errors) : new EndpointUrlResult(null, errors);
    }

    private async Task<IReadOnlyList<IPAddress>> AddressesOfAsync(HostName host, List<string> errors, CancellationToken cancellationToken)
    {
        if (host.Address is { } literal)
        {
            return [literal];
        }

        if (host.IsLocalhostName)
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        if (host.IsMetadataName)
        {
            errors.Add("The host is a cloud metadata service.");
            return [];
        }

        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            addresses = await resolver.ResolveAsync(host.Text, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            addresses = [];
        }

        if (addresses.Length == 0)
        {
            errors.Add("The host name does not resolve.");
        }

        return addresses;
    }
}
