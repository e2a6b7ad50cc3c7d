using System.Net;
using InferenceGateway.Security.Networking;
using InferenceGateway.TestSupport;

namespace InferenceGateway.Security.Tests.Networking;

/// <summary>The registration-time SSRF check, spelling by spelling. Each refusal must say why.</summary>
public sealed class EndpointUrlValidatorTests
{
    private static readonly FakeHostResolver Dns = new FakeHostResolver()
        .Set("api.example.com", "93.184.215.14")
        .Set("v6.example.com", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
        .Set("private.example.com", "192.168.10.7")
        .Set("cgnat.example.com", "100.100.100.200")
        .Set("mapped.example.com", "::ffff:10.0.0.1")
        .Set("half.example.com", "93.184.215.14", "169.254.169.254")
        .Set("onprem.example.com", "10.20.30.40");

    private static EndpointUrlValidator Validator(params string[] allowed) =>
        new(AddressPolicy.FromConfiguration(allowed, out _), Dns);

    public static TheoryData<string, string> Refused => new()
    {
        // Loopback in every spelling.
        { "http://127.0.0.1/", "loopback" },
        { "http://127.1/", "loopback" },
        { "http://127.0.1/", "loopback" },
        { "http://2130706433/", "loopback" },
        { "http://0x7f000001/", "loopback" },
        { "http://0x7F.0x0.0x0.0x1/", "loopback" },
        { "http://0177.0.0.1/", "loopback" },
        { "http://017700000001/", "loopback" },
        { "http://0177.1/", "loopback" },
        { "http://127.0.0.1./", "loopback" },
        { "http://127.0.0.1../", "loopback" },
        { "http://１２７.０.０.１/", "loopback" },
        { "http://127。0。0。1/", "loopback" },
        { "http://127．0．0．1/", "loopback" },
        { "http://𝟏𝟐𝟕.𝟎.𝟎.𝟏/", "loopback" },
        { "http://١٢٧.٠.٠.١/", "loopback" },
        { "http://０ｘ７ｆ.1/", "loopback" },
        { "http://[::1]/", "loopback" },
        { "http://[0:0:0:0:0:0:0:1]/", "loopback" },
        { "http://[::ffff:127.0.0.1]/", "loopback" },
        { "http://[::ffff:7f00:1]/", "loopback" },
        { "http://[64:ff9b::127.0.0.1]/", "loopback" },
        { "http://[64:ff9b::7f00:1]/", "loopback" },
        { "http://[2002:7f00:1::]/", "loopback" },
        { "http://localhost/", "not allowed" },
        { "http://LOCALHOST./", "not allowed" },
        { "http://api.localhost/", "not allowed" },
        { "http://localhost:8080/v1", "not allowed" },

        // Unspecified, private, shared and reserved ranges.
        { "http://0.0.0.0/", "unspecified" },
        { "http://0/", "unspecified" },
        { "http://[::]/", "unspecified" },
        { "http://10.0.0.1/", "private" },
        { "http://10.1/", "private" },
        { "http://172.16.0.1/", "private" },
        { "http://172.31.255.255/", "private" },
        { "http://192.168.1.1/", "private" },
        { "http://3232235777/", "private" },
        { "http://[::ffff:192.168.1.1]/", "private" },
        { "http://[64:ff9b::a00:1]/", "private" },
        { "http://[fc00::1]/", "unique-local" },
        { "http://[fd12:3456::1]/", "unique-local" },
        { "http://100.64.0.1/", "carrier-grade NAT" },
        { "http://100.127.255.254/", "carrier-grade NAT" },
        { "http://198.18.0.1/", "benchmarking" },
        { "http://198.19.255.255/", "benchmarking" },
        { "http://224.0.0.1/", "multicast" },
        { "http://239.255.255.250/", "multicast" },
        { "http://[ff02::1]/", "multicast" },
        { "http://240.0.0.1/", "reserved" },
        { "http://255.255.255.255/", "broadcast" },
        { "http://192.0.2.1/", "documentation" },
        { "http://[2001:db8::1]/", "documentation" },
        { "http://[::127.0.0.1]/", "IPv4-compatible" },

        // Link-local and cloud metadata services.
        { "http://169.254.169.254/latest/meta-data", "metadata" },
        { "http://0xa9fea9fe/", "metadata" },
        { "http://2852039166/", "metadata" },
        { "http://0251.0376.0251.0376/", "metadata" },
        { "http://[::ffff:a9fe:a9fe]/", "metadata" },
        { "http://169.254.1.1/", "link-local" },
        { "http://[fe80::1]/", "link-local" },
        { "http://[fe80::1%25eth0]/", "zone index" },
        { "http://[fd00:ec2::254]/", "metadata" },
        { "http://metadata.google.internal/computeMetadata/v1/", "not allowed" },
        { "http://metadata.google.internal./", "not allowed" },
        { "http://100.100.100.200/", "metadata" },
        { "http://168.63.129.16/", "host-agent" },
        { "http://[::ffff:168.63.129.16]/", "host-agent" },

        // Names that resolve inside.
        { "http://private.example.com/", "not allowed" },
        { "http://cgnat.example.com/", "not allowed" },
        { "http://mapped.example.com/", "not allowed" },
        { "http://half.example.com/", "not allowed" },
        { "http://unknown.example.com/", "not allowed" },

        // Shapes that are refused before any lookup.
        { "ftp://api.example.com/", "Only http and https" },
        { "file:///etc/passwd", "Only http and https" },
        { "gopher://api.example.com/", "Only http and https" },
        { "javascript:alert(1)", "Only http and https" },
        { "//api.example.com/", "Only http and https" },
        { "http://user:pass@api.example.com/", "user information" },
        { "http://api.example.com@127.0.0.1/", "user information" },
        { "http://api.example.com\\@127.0.0.1/", "backslash" },
        { "http://api.example.com/v1?key=1", "query or a fragment" },
        { "http://api.example.com/#x", "query or a fragment" },
        { "http://api.example.com:0/", "port" },
        { "http://api.example.com:65536/", "port" },
        { "http://api.example.com:80a/", "port" },
        { "http:// api.example.com/", "spaces" },
        { "http://api.example.com/\r\nHost: x", "spaces" },
        { "http://256.1.1.1/", "not a valid one" },
        { "http://1.2.3.4.5/", "not a valid one" },
        { "http://0x100000000/", "not a valid one" },
        { "http://08.0.0.1/", "not a valid one" },
        { "http://[::1/", "not closed" },
        { "http://[zz::1]/", "IPv6 address is not valid" },
        { "http:///", "empty" },
        { "", "required" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Validate_UnsafeUrl_IsRefusedWithTheReason(string url, string reason)
    {
        var result = await Validator().ValidateAsync(url, default);

        Assert.False(result.IsValid, $"{url} was accepted");
        Assert.Null(result.Url);
        Assert.Contains(reason, string.Join(" | ", result.Errors), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://api.example.com/v1", "https://api.example.com/v1")]
    [InlineData("HTTPS://API.EXAMPLE.COM./v1/", "https://api.example.com/v1")]
    [InlineData("http://api.example.com:8443", "http://api.example.com:8443/")]
    [InlineData("http://93.184.215.14:8080/", "http://93.184.215.14:8080/")]
    [InlineData("http://1572394766/", "http://93.184.215.14/")]
    [InlineData("http://v6.example.com/", "http://v6.example.com/")]
    [InlineData("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/")]
    [InlineData("http://[64:ff9b::5db8:d70e]/", "http://[64:ff9b::5db8:d70e]/")]
    public async Task Validate_PublicUrl_IsAcceptedInCanonicalForm(string url, string canonical)
    {
        var result = await Validator().ValidateAsync(url, default);

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        Assert.Equal(canonical, result.Url!.ToString());
    }

    [Theory]
    [InlineData("http://10.20.1.5:9000/", true)]
    [InlineData("http://onprem.example.com/", true)]
    [InlineData("http://[::ffff:10.20.0.1]/", true)]
    [InlineData("http://10.21.0.1/", false)]
    [InlineData("http://127.0.0.1/", false)]
    public async Task Validate_AllowListedNetwork_LetsOnlyThatNetworkThrough(string url, bool accepted)
    {
        var result = await Validator("10.20.0.0/16").ValidateAsync(url, default);
        Assert.Equal(accepted, result.IsValid);
    }

    [Fact]
    public async Task Validate_ResolvedAddress_IsNeverEchoed()
    {
        var result = await Validator().ValidateAsync("http://private.example.com/", default);
        Assert.DoesNotContain("192.168.10.7", string.Join(" ", result.Errors));
    }

    [Fact]
    public void AddressPolicy_InvalidAllowListEntries_AreReported()
    {
        AddressPolicy.FromConfiguration(["10.0.0.0/8", "not-a-network", "10.0.0.0/99"], out var invalid);
        Assert.Equal(["not-a-network", "10.0.0.0/99"], invalid);
    }

    [Theory]
    [InlineData("8.8.8.8", null)]
    [InlineData("2001:4860:4860::8888", null)]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    public void AddressPolicy_Check_ClassifiesAddresses(string address, string? reason)
    {
        Assert.Equal(reason, new AddressPolicy().Check(IPAddress.Parse(address)));
    }
}
