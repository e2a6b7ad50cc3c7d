using InferenceGateway.DataPlane.Forwarding;
using InferenceGateway.Security.Networking;
using InferenceGateway.TestSupport;

namespace InferenceGateway.DataPlane.Tests.Forwarding;

/// <summary>The connect-time egress check: the route's tenant and port against the entry that admits the address.</summary>
public sealed class UpstreamConnectorTests : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("connector");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ANameResolvingToAnAllowedAddress_ConnectsOnlyForTheEntrysTenantAndPort()
    {
        var dns = new FakeHostResolver().Set("model.internal.example", "127.0.0.1");
        var policy = AddressPolicy.FromConfiguration([$"127.0.0.1/32:{_upstream.Port} tenants=acme"], null, null, out _);
        var url = $"http://model.internal.example:{_upstream.Port}/v1/models";

        var otherTenant = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(policy, dns, url, "globex"));
        var noTenant = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(policy, dns, url, null));
        Assert.Empty(_upstream.Requests);
        Assert.IsType<UpstreamAddressRefusedException>(otherTenant.InnerException);
        Assert.IsType<UpstreamAddressRefusedException>(noTenant.InnerException);

        using var allowed = await SendAsync(policy, dns, url, "acme");
        Assert.True(allowed.IsSuccessStatusCode);
        Assert.Single(_upstream.Requests);
    }

    [Fact]
    public async Task AnAllowedAddressOnAPortItsEntryDoesNotList_IsRefused()
    {
        var dns = new FakeHostResolver().Set("model.internal.example", "127.0.0.1");
        var policy = AddressPolicy.FromConfiguration([$"127.0.0.1/32:{_upstream.Port + 1}"], null, null, out _);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(policy, dns, $"http://model.internal.example:{_upstream.Port}/v1/models", "acme"));

        Assert.IsType<UpstreamAddressRefusedException>(refused.InnerException);
        Assert.Empty(_upstream.Requests);
    }

    private static async Task<HttpResponseMessage> SendAsync(AddressPolicy policy, FakeHostResolver dns, string url, string? tenant)
    {
        // A client per call: a pooled connection must not carry one call's check over to the next.
        using var client = new UpstreamClient(new UpstreamConnector(policy, dns));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (tenant is not null)
        {
            request.Options.Set(UpstreamConnector.TenantOption, tenant);
        }

        return await client.Invoker.SendAsync(request, CancellationToken.None);
    }
}
