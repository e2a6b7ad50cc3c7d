using System.Net;
using InferenceGateway.Security.Networking;
using InferenceGateway.TestSupport;

namespace InferenceGateway.Security.Tests.Networking;

/// <summary>Allow-list entries with networks, ports and tenants; the deny-list; the product's own ports.</summary>
public sealed class EgressPolicyTests
{
    private static readonly IReadOnlySet<int> ProductPorts = new HashSet<int> { 5080, 5432 };

    private static AddressPolicy Policy(string[] allowed, string[]? denied = null)
    {
        var policy = AddressPolicy.FromConfiguration(allowed, denied, () => ProductPorts, out var invalid);
        Assert.Empty(invalid);
        return policy;
    }

    [Theory]
    [InlineData("10.77.0.20/32:8080 tenants=acme")]
    [InlineData("10.77.0.0/24")]
    [InlineData("10.77.0.20")]
    [InlineData("10.77.0.20:8000-8099,9000")]
    [InlineData("[fd00::/64]:8080")]
    [InlineData("[fd00::1] tenants=acme,globex")]
    [InlineData("fd00::/64")]
    [InlineData("10.77.0.0/24:8080 tenants=*")]
    public void Parse_ValidEntries(string text) => Assert.True(EgressEntry.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("10.77.0.20/33")]
    [InlineData("10.77.0.20:0")]
    [InlineData("10.77.0.20:70000")]
    [InlineData("10.77.0.20:9000-8000")]
    [InlineData("10.77.0.20 tenants=")]
    [InlineData("10.77.0.20 users=acme")]
    [InlineData("[fd00::/64:8080")]
    [InlineData("internal.example.com")]
    public void Parse_InvalidEntries_AreReported(string text)
    {
        AddressPolicy.FromConfiguration([text], null, null, out var invalid);
        Assert.Equal([text], invalid);
    }

    [Theory]
    [InlineData("10.77.0.20", 8080, "acme", true)]
    [InlineData("10.77.0.20", 8081, "acme", false)]
    [InlineData("10.77.0.20", 8080, "globex", false)]
    [InlineData("10.77.0.20", 8080, null, false)]
    [InlineData("10.77.0.21", 8080, "acme", false)]
    public void AnEntryWithPortsAndTenants_AdmitsExactlyThose(string address, int port, string? tenant, bool allowed) =>
        Assert.Equal(allowed, Policy(["10.77.0.20/32:8080 tenants=acme"]).Check(IPAddress.Parse(address), port, tenant).Allowed);

    [Theory]
    [InlineData(8080, true)]
    [InlineData(5080, false)]
    [InlineData(5432, false)]
    public void AnEntryWithoutPorts_NeverAdmitsTheProductsOwnPorts(int port, bool allowed) =>
        Assert.Equal(allowed, Policy(["127.0.0.1/32"]).Check(IPAddress.Loopback, port, "acme").Allowed);

    [Fact]
    public void AnEntryWithExplicitPorts_MayAdmitAProductPort() =>
        Assert.True(Policy(["127.0.0.1/32:5080"]).Check(IPAddress.Loopback, 5080, "acme").Allowed);

    [Theory]
    [InlineData("168.63.129.16")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:168.63.129.16")]
    public void CloudHostAgents_AreRefused_EvenWhenAllowListed(string address)
    {
        var policy = Policy(["0.0.0.0/0", "::/0"]);
        Assert.False(policy.Check(IPAddress.Parse(address), 80, "acme").Allowed);
        Assert.NotNull(policy.Check(IPAddress.Parse(address)));
    }

    [Fact]
    public void TheOperatorDenyList_OverridesPublicAddressesAndTheAllowList()
    {
        var policy = Policy(["10.0.0.0/8"], ["93.184.215.0/24", "10.9.0.0/16"]);

        Assert.False(policy.Check(IPAddress.Parse("93.184.215.14"), 443, "acme").Allowed);
        Assert.False(policy.Check(IPAddress.Parse("10.9.1.1"), 8080, "acme").Allowed);
        Assert.True(policy.Check(IPAddress.Parse("10.8.1.1"), 8080, "acme").Allowed);
        Assert.True(policy.Check(IPAddress.Parse("93.184.216.34"), 443, "acme").Allowed);
    }

    [Fact]
    public async Task Registration_ANameResolvingToAnAllowedAddressOnAForbiddenPort_IsRefused()
    {
        var dns = new FakeHostResolver().Set("model.internal.example", "10.77.0.20");
        var validator = new EndpointUrlValidator(Policy(["10.77.0.20/32:8080 tenants=acme"]), dns);

        var allowed = await validator.ValidateAsync("http://model.internal.example:8080/v1", "acme", CancellationToken.None);
        var wrongPort = await validator.ValidateAsync("http://model.internal.example:9090/v1", "acme", CancellationToken.None);
        var wrongTenant = await validator.ValidateAsync("http://model.internal.example:8080/v1", "globex", CancellationToken.None);

        Assert.True(allowed.IsValid);
        Assert.Equal("10.77.0.20/32:8080 tenants=acme", Assert.Single(allowed.PrivateTargets).Entry.Text);
        Assert.Equal([EndpointUrlValidator.NotAllowed], wrongPort.Errors);
        Assert.Equal([EndpointUrlValidator.NotAllowed], wrongTenant.Errors);
    }

    [Fact]
    public async Task Registration_ANameThatDoesNotResolve_AndOneThatResolvesPrivately_GetTheSameAnswer()
    {
        var dns = new FakeHostResolver().Set("db.internal.example", "10.1.2.3").Set("meta.internal.example", "169.254.169.254");
        var validator = new EndpointUrlValidator(Policy([]), dns);

        var missing = await validator.ValidateAsync("http://nothing.internal.example/", "acme", CancellationToken.None);
        var internalName = await validator.ValidateAsync("http://db.internal.example/", "acme", CancellationToken.None);
        var metadata = await validator.ValidateAsync("http://meta.internal.example/", "acme", CancellationToken.None);

        Assert.Equal(missing.Errors, internalName.Errors);
        Assert.Equal(missing.Errors, metadata.Errors);
        Assert.Equal([EndpointUrlValidator.NotAllowed], missing.Errors);
    }
}
