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

    /// <summary>The non-public address:port pairs the URL reaches, with the allow-list entry that admitted each.</summary>
    public IReadOnlyList<PrivateTarget> PrivateTargets { get; init; } = [];
}

/// <summary>A non-public address and port an endpoint reaches through an operator allow-list entry.</summary>
public sealed record PrivateTarget(IPAddress Address, int Port, EgressEntry Entry);

/// <summary>
/// Registration-time SSRF check: the URL must parse strictly and its host, and every address the host resolves
/// to, must pass the <see cref="AddressPolicy"/> for the URL's port and the registering tenant. For a host name
/// every refusal reads the same ("not allowed"), whether the name does not resolve, resolves to a private or
/// denied address or to an allow-listed one on the wrong port: the check cannot be used to map internal DNS.
/// </summary>
public sealed class EndpointUrlValidator(AddressPolicy policy, IHostResolver resolver)
{
    /// <summary>The address policy this validator applies.</summary>
    public AddressPolicy Policy => policy;

    public const string NotAllowed = "The URL is not allowed: its host must be a public address, or one the operator allowed for this port and tenant.";

    public Task<EndpointUrlResult> ValidateAsync(string? raw, CancellationToken cancellationToken) => ValidateAsync(raw, null, cancellationToken);

    /// <param name="tenant">The slug of the tenant registering the endpoint (allow-list entries may name tenants).</param>
    public async Task<EndpointUrlResult> ValidateAsync(string? raw, string? tenant, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (!EndpointUrl.TryParse(raw, out var url, out var host, errors))
        {
            return new EndpointUrlResult(null, errors);
        }

        var targets = new List<PrivateTarget>();
        var port = url!.Port;
        var nameErrors = new List<string>();
        foreach (var address in await AddressesOfAsync(host, nameErrors, cancellationToken))
        {
            var decision = policy.Check(address, port, tenant);
            if (!decision.Allowed)
            {
                nameErrors.Add(host.IsAddress ? $"The host is {decision.Refusal}; only public addresses are allowed." : NotAllowed);
                break;
            }

            if (decision.AdmittedBy is { } entry)
            {
                targets.Add(new PrivateTarget(address, port, entry));
            }
        }

        // One message for every refusal of a name, so registration tells nothing about internal DNS.
        errors.AddRange(host.IsAddress ? nameErrors : nameErrors.Count > 0 ? [NotAllowed] : []);
        return errors.Count == 0 ? new EndpointUrlResult(url, errors) { PrivateTargets = targets } : new EndpointUrlResult(null, errors);
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
