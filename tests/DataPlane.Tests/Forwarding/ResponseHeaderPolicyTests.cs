using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Forwarding;
using Microsoft.AspNetCore.Http;

namespace InferenceGateway.DataPlane.Tests.Forwarding;

public sealed class ResponseHeaderPolicyTests
{
    private static readonly RouteEntry Route = new(new RouteSnapshot
    {
        TenantId = Guid.NewGuid(), TenantSlug = "acme", Model = "chat", EndpointId = Guid.NewGuid(),
        BaseUrl = "https://gpu7.internal.example:8443/v1", TimeoutSeconds = 30,
    });

    [Theory]
    [InlineData("https://gpu7.internal.example:8443/v1/files/42?x=1", "/t/acme/chat/files/42?x=1")]
    [InlineData("/v1/files/42", "/t/acme/chat/files/42")]
    [InlineData("/v1", "/t/acme/chat")]
    [InlineData("files/42", "files/42")]
    [InlineData("../files/42", "../files/42")]
    [InlineData("/admin", null)]
    [InlineData("/v10/files", null)]
    [InlineData("https://gpu7.internal.example/v1/files", null)]
    [InlineData("https://other.example/v1/files", null)]
    [InlineData("http://gpu7.internal.example:8443/v1/files", null)]
    [InlineData("//gpu7.internal.example:8443/v1", null)]
    [InlineData("https://user@gpu7.internal.example:8443/v1", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("/v1\\..\\admin", null)]
    public void RewriteLocation_KeepsTheUpstreamHostOutOfSight(string location, string? expected) =>
        Assert.Equal(expected, ResponseHeaderPolicy.RewriteLocation(location, Route));

    [Fact]
    public void Trailers_AreFilteredByTheHeaderRules()
    {
        var trailers = new HeaderDictionary
        {
            ["Server"] = "gpu7", ["WWW-Authenticate"] = "Basic realm=internal", ["Location"] = "https://gpu7.internal.example/x",
            ["Set-Cookie"] = "a=b", ["grpc-status"] = "0",
        };

        ResponseHeaderPolicy.ApplyToTrailers(trailers);

        Assert.Equal(["grpc-status"], trailers.Keys);
    }

    [Fact]
    public void Apply_ToAnUpstreamResponse_RemovesEveryDroppedHeaderItSent_InAnyCase_AndKeepsTheRest()
    {
        using var upstream = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        upstream.Headers.TryAddWithoutValidation("server", "gpu7");
        upstream.Headers.TryAddWithoutValidation("X-POWERED-BY", "php");
        upstream.Headers.TryAddWithoutValidation("Set-Cookie", ["a=b", "c=d"]);
        upstream.Headers.TryAddWithoutValidation("WWW-Authenticate", "Basic realm=internal");
        upstream.Headers.TryAddWithoutValidation("X-Kept", "1");
        upstream.Content.Headers.TryAddWithoutValidation("Content-Location", "https://gpu7.internal.example:8443/v1/files/42");
        upstream.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        IHeaderDictionary headers = new HeaderDictionary();
        foreach (var (name, values) in upstream.Headers.NonValidated.Concat(upstream.Content.Headers.NonValidated))
        {
            headers[name] = values.ToArray();
        }

        headers.Location = "https://gpu7.internal.example:8443/v1/files/42";

        ResponseHeaderPolicy.Apply(headers, Route, upstream);

        Assert.Equal(["Content-Type", "Location", "X-Kept"], headers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/t/acme/chat/files/42", headers.Location);
    }
}
