using System.Net.Http.Json;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>Methods, headers to the upstream and headers to the client, over raw sockets: what the upstream received and what the client got.</summary>
[Collection(NodeCollection.Name)]
public sealed class MethodAndHeaderPolicyTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("policy");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Theory]
    [InlineData("TRACE")]
    [InlineData("TRACK")]
    public async Task TraceAndTrack_Get405_AndNeverReachTheUpstream(string method)
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);

        var response = await RawHttp.SendAsync(cluster.NodeAddress(0), $"{method} {tenant.Path("/models")} HTTP/1.1\r\nAuthorization: Bearer {tenant.Key}");

        Assert.Equal(405, response.Status);
        Assert.Equal("GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS", response.Header("Allow"));
        Assert.Contains("\"status\":405", response.Body);
        Assert.DoesNotContain("upstream-policy", response.Body);
        Assert.DoesNotContain(_upstream.Requests, r => r.PathAndQuery == "/v1/models");
    }

    [Fact]
    public async Task AMethodOutsideTheEndpointsList_Gets405WithItsAllowHeader_AndTheListedOnesPass()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, endpoint: new Dictionary<string, object?> { ["allowedMethods"] = new[] { "post", "GET" } });

        var refused = await RawHttp.SendAsync(cluster.NodeAddress(0), $"DELETE {tenant.Path("/files/1")} HTTP/1.1\r\nAuthorization: Bearer {tenant.Key}");
        var allowed = await RawHttp.SendAsync(cluster.NodeAddress(0), $"POST {tenant.Path("/files")} HTTP/1.1\r\nAuthorization: Bearer {tenant.Key}", "{}");

        Assert.Equal(405, refused.Status);
        Assert.Equal("GET, POST", refused.Header("Allow"));
        Assert.Equal(200, allowed.Status);
        Assert.Equal(["POST /v1/files"], _upstream.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact]
    public async Task TraceInAnEndpointsList_IsRefusedAtRegistration()
    {
        var admin = cluster.Admin();
        var tenant = await cluster.CreateTenantAsync(_upstream);

        var response = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/endpoints", new
        {
            model = "traced",
            baseUrl = $"{_upstream.BaseAddress.ToString().TrimEnd('/')}/v1",
            allowedMethods = new[] { "GET", "TRACE" },
        });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("allowedMethods", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HeadersNamedInConnection_AndForgedIdentityHeaders_AreDropped_AndTheVerifiedCallerIsAdded()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);

        var response = await RawHttp.SendExactAsync(cluster.NodeAddress(0),
            $"GET {tenant.Path("/models")} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {tenant.Key}\r\n" +
            "Connection: close, X-Secret, Keep-Alive\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n" +
            "X-Tenant-Id: someone-else\r\nX-User-Id: admin\r\nX-Consumer-Username: root\r\nX-Authenticated-User: root\r\n" +
            "X-Igw-Tenant: someone-else\r\nX-Igw-Credential-Id: forged\r\nX-Igw-Request-Id: forged\r\nX-Kept: yes\r\n\r\n");

        Assert.Equal(200, response.Status);
        var received = _upstream.Requests.Single();
        foreach (var header in new[] { "X-Secret", "Keep-Alive", "X-Tenant-Id", "X-User-Id", "X-Consumer-Username", "X-Authenticated-User", "X-Forwarded-For" })
        {
            Assert.Null(received.Header(header));
        }

        Assert.Equal("yes", received.Header("X-Kept"));
        Assert.Equal(tenant.Slug, received.Header("X-Igw-Tenant"));
        Assert.Equal(await PublicIdAsync(tenant), received.Header("X-Igw-Credential-Id"));
        Assert.Equal(response.Header("X-Request-Id"), received.Header("X-Igw-Request-Id"));
        Assert.DoesNotContain("forged", received.Everything);
        Assert.DoesNotContain("someone-else", received.Everything);
    }

    private async Task<string> PublicIdAsync(TenantSetup tenant)
    {
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlane.Data.ControlPlaneDbContext>();
        return await db.ApiKeys.Where(k => k.Id == Guid.Parse(tenant.KeyId)).Select(k => k.PublicId).SingleAsync();
    }

    [Fact]
    public async Task AnEndpointThatOptsIn_GetsXForwardedForWithTheAddressTheNodeSaw_NotTheClientsClaim()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream, endpoint: new Dictionary<string, object?> { ["forwardClientAddress"] = true });

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key, "X-Forwarded-For: 203.0.113.9");

        Assert.Equal(200, response.Status);
        Assert.Equal("127.0.0.1", _upstream.Requests.Single().Header("X-Forwarded-For"));
    }

    [Fact]
    public async Task UpstreamLocations_AreRewrittenUnderTheGatewayPathOrRemoved_AndChallengesAndContentLocationDropped()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var upstreamRoot = _upstream.BaseAddress.ToString().TrimEnd('/');
        _upstream.Respond = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers.Location = context.Request.Path.Value!.EndsWith("/own", StringComparison.Ordinal)
                ? $"{upstreamRoot}/v1/files/42?x=1"
                : context.Request.Path.Value.EndsWith("/other", StringComparison.Ordinal) ? "http://10.1.2.3:9000/internal" : "/admin/secret";
            context.Response.Headers["Content-Location"] = $"{upstreamRoot}/v1/files/42";
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"internal-gpu-7\"";
            await context.Response.WriteAsync("{}");
        };

        var own = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/own"), tenant.Key);
        var other = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/other"), tenant.Key);
        var outside = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/outside"), tenant.Key);

        Assert.Equal(201, own.Status);
        Assert.Equal($"/t/{tenant.Slug}/{tenant.Model}/files/42?x=1", own.Header("Location"));
        Assert.Null(other.Header("Location"));
        Assert.Null(outside.Header("Location"));
        foreach (var response in new[] { own, other, outside })
        {
            Assert.Null(response.Header("Content-Location"));
            Assert.Null(response.Header("WWW-Authenticate"));
            Assert.DoesNotContain(response.Headers, h => h.Value.Contains($":{_upstream.Port}", StringComparison.Ordinal) || h.Value.Contains("10.1.2.3", StringComparison.Ordinal));
        }
    }
}
