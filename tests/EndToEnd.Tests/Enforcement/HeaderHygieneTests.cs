using InferenceGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

[Collection(NodeCollection.Name)]
public sealed class HeaderHygieneTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync("hygiene");
        _upstream.Respond = async context =>
        {
            context.Response.Headers["Server"] = "nginx/1.2.3 (internal-gpu-7)";
            context.Response.Headers["X-Powered-By"] = "Express";
            context.Response.Headers["Set-Cookie"] = "upstream_session=abc; Path=/";
            context.Response.Headers["X-Model-Version"] = "kept";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"ok\":true}");
        };
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Forwarding_StripsClientCredentialsAndSpoofedHeaders_AddsTheEndpointCredential_AndStripsUpstreamBanners()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, credential: new { headerName = "X-Upstream-Key", value = "endpoint-credential-123" });

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models?stream=true"), tenant.Key,
            "Cookie: session=client-cookie",
            "X-Forwarded-For: 10.0.0.99",
            "X-Forwarded-Host: admin.internal",
            "X-Forwarded-Proto: https",
            "Forwarded: for=10.0.0.99;host=admin.internal",
            "X-Real-IP: 10.0.0.99",
            "X-Igw-Tenant: someone-else",
            "X-Request-Id: client-chosen-id",
            "X-Upstream-Key: client-forged-credential",
            "Proxy-Authorization: Basic abc",
            "OpenAI-Organization: org-123",
            "Accept: application/json");

        Assert.Equal(200, response.Status);
        var received = _upstream.Requests.Single();
        Assert.Equal("/v1/models?stream=true", received.PathAndQuery);
        Assert.Equal("endpoint-credential-123", received.Header("X-Upstream-Key"));
        Assert.Equal("org-123", received.Header("OpenAI-Organization"));
        foreach (var header in new[] { "Authorization", "X-API-Key", "Cookie", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "X-Real-IP", "Proxy-Authorization" })
        {
            Assert.Null(received.Header(header));
        }

        Assert.Equal(tenant.Slug, received.Header("X-Igw-Tenant"));
        Assert.DoesNotContain("someone-else", received.Everything);
        Assert.DoesNotContain(tenant.Key, received.Everything);
        Assert.DoesNotContain("client-forged-credential", received.Everything);
        Assert.DoesNotContain("client-cookie", received.Everything);
        Assert.NotEqual("client-chosen-id", received.Header("X-Request-Id"));
        Assert.Equal(response.Header("X-Request-Id"), received.Header("X-Request-Id"));
        Assert.Equal($"127.0.0.1:{_upstream.Port}", received.Header("Host"));

        Assert.Null(response.Header("Server"));
        Assert.Null(response.Header("X-Powered-By"));
        Assert.Null(response.Header("Set-Cookie"));
        Assert.Equal("kept", response.Header("X-Model-Version"));
        Assert.Equal("{\"ok\":true}", response.Body);
    }
}
