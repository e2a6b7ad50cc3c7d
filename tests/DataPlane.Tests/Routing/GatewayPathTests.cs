using InferenceGateway.DataPlane.Routing;

namespace InferenceGateway.DataPlane.Tests.Routing;

public sealed class GatewayPathTests
{
    [Theory]
    [InlineData("/t/acme/chat", "acme", "chat", "", "")]
    [InlineData("/t/acme/chat/", "acme", "chat", "/", "")]
    [InlineData("/t/acme/chat/v1/chat/completions", "acme", "chat", "/v1/chat/completions", "")]
    [InlineData("/t/acme/gpt-4.1/v1/x?stream=true&n=1", "acme", "gpt-4.1", "/v1/x", "?stream=true&n=1")]
    [InlineData("/t/acme/llama_3-8b/a%20b", "acme", "llama_3-8b", "/a%20b", "")]
    [InlineData("/t/acme/chat/a;b=c", "acme", "chat", "/a;b=c", "")]
    [InlineData("/t/acme/chat//double", "acme", "chat", "//double", "")]
    [InlineData("http://gateway.example/t/acme/chat/x", "acme", "chat", "/x", "")]
    [InlineData("HTTPS://gateway.example:8443/t/acme/chat?q=1", "acme", "chat", "", "?q=1")]
    public void Parse_WellFormedTarget_GivesTenantModelRestAndQuery(string raw, string tenant, string model, string rest, string query)
    {
        Assert.Equal(PathMatch.Matched, GatewayPath.Parse(raw, out var t, out var m, out var r, out var q));
        Assert.Equal(tenant, raw[t]);
        Assert.Equal(model, raw[m]);
        Assert.Equal(rest, raw[r]);
        Assert.Equal(query, raw[q]);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/healthz")]
    [InlineData("*")]
    [InlineData("/t/acme")]
    [InlineData("/t/acme/")]
    [InlineData("//t/acme/chat")]
    [InlineData("/T/acme/chat")]
    [InlineData("/t/ACME/chat")]
    [InlineData("/t/acme/CHAT")]
    [InlineData("/t/ac/chat")]
    [InlineData("/t/acme/../other/chat")]
    [InlineData("/t/../t/acme/chat")]
    [InlineData("/t/acme/..")]
    [InlineData("/t/acme/.hidden")]
    [InlineData("/t/acme/a..b")]
    [InlineData("/t/%61cme/chat")]
    [InlineData("/t/acme%2fother/chat")]
    [InlineData("/t/acme/chat%2fx")]
    [InlineData("/t/acme;x=1/chat")]
    [InlineData("/t/acme/chat;x")]
    [InlineData("/t/ac%00me/chat")]
    [InlineData("/t/acme\\other/chat")]
    [InlineData("http://gateway.example")]
    public void Parse_NotAGatewayPathOrNotANameInTenantOrModel_IsNotFound(string raw)
    {
        Assert.Equal(PathMatch.NotGateway, GatewayPath.Parse(raw, out _, out _, out _, out _));
    }

    [Theory]
    [InlineData("/t/acme/chat/../../other/chat")]
    [InlineData("/t/acme/chat/./x")]
    [InlineData("/t/acme/chat/x/..")]
    [InlineData("/t/acme/chat/%2e%2e/%2e%2e/other/chat")]
    [InlineData("/t/acme/chat/%2E%2E/x")]
    [InlineData("/t/acme/chat/%252e%252e/x")]
    [InlineData("/t/acme/chat/a%2fb")]
    [InlineData("/t/acme/chat/a%2Fb")]
    [InlineData("/t/acme/chat/a%5cb")]
    [InlineData("/t/acme/chat/a\\b")]
    [InlineData("/t/acme/chat/a%00b")]
    [InlineData("/t/acme/chat/a%zz")]
    [InlineData("/t/acme/chat/a%2")]
    [InlineData("/t/acme/chat/..;/other")]
    [InlineData("/t/acme/chat/x#fragment")]
    public void Parse_TrickInTheRestOfThePath_IsInvalid(string raw)
    {
        Assert.Equal(PathMatch.Invalid, GatewayPath.Parse(raw, out _, out _, out _, out _));
    }
}
