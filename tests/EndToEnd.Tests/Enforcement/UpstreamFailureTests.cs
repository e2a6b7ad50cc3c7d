using System.Net;
using System.Net.Sockets;
using System.Text;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>What a client gets when the model endpoint is slow, gone, broken or resolves somewhere it must not.</summary>
[Collection(NodeCollection.Name)]
public sealed class UpstreamFailureTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("failures");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private async Task<TenantSetup> TenantWithEndpointAsync(string baseUrl, int timeoutSeconds = 30)
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var admin = cluster.Admin();
        await GatewayCluster.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/endpoints", new { model = "other", baseUrl, timeoutSeconds });
        await cluster.SyncAsync();
        return tenant with { Model = "other" };
    }

    private static void AssertClean(RawResponse response, int status, params string[] mustNotContain)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Matches("\"requestId\":\"[0-9a-f]{24}\"", response.Body);
        Assert.Null(response.Header("Server"));
        foreach (var text in mustNotContain.Append("127.0.0.1").Append("Exception").Append("   at "))
        {
            Assert.DoesNotContain(text, response.Body);
        }
    }

    [Fact]
    public async Task SlowUpstream_PastTheEndpointTimeout_Gives504()
    {
        await using var slow = await RecordingUpstream.StartAsync("slow");
        slow.Respond = async context => await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
        var tenant = await TenantWithEndpointAsync(slow.BaseAddress.ToString(), timeoutSeconds: 1);

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 504, slow.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RefusedConnection_Gives502()
    {
        var closedPort = FreePort.Next();
        var tenant = await TenantWithEndpointAsync($"http://127.0.0.1:{closedPort}/v1");

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 502, closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "refused");
    }

    [Fact]
    public async Task MalformedUpstreamResponse_Gives502()
    {
        using var garbage = new TcpListener(IPAddress.Loopback, 0);
        garbage.Start();
        var port = ((IPEndPoint)garbage.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await garbage.AcceptSocketAsync();
                await socket.ReceiveAsync(new byte[4096]);
                await socket.SendAsync(Encoding.ASCII.GetBytes("THIS IS NOT HTTP\r\nStack: at Model.Internal.Secret()\r\n\r\n"));
                socket.Shutdown(SocketShutdown.Both);
            }
        });
        var tenant = await TenantWithEndpointAsync($"http://127.0.0.1:{port}");

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 502, "THIS IS NOT HTTP", "Model.Internal");
    }

    [Fact]
    public async Task UpstreamServerError_IsReplacedByAGeneric502()
    {
        await using var failing = await RecordingUpstream.StartAsync("failing");
        failing.Respond = async context =>
        {
            context.Response.StatusCode = 500;
            context.Response.Headers["Server"] = "gunicorn/20 (gpu-node-17.internal)";
            await context.Response.WriteAsync("Traceback (most recent call last):\n  File \"/srv/model/weights-v3.py\", line 7\nCUDA out of memory on gpu-node-17.internal");
        };
        var tenant = await TenantWithEndpointAsync(failing.BaseAddress.ToString());

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 502, "Traceback", "gpu-node-17", "weights-v3", "gunicorn", "CUDA");
    }

    [Fact]
    public async Task UpstreamClientError_PassesThrough()
    {
        await using var picky = await RecordingUpstream.StartAsync("picky");
        picky.Respond = async context =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":{\"message\":\"max_tokens is too large\",\"type\":\"invalid_request_error\"}}");
        };
        var tenant = await TenantWithEndpointAsync(picky.BaseAddress.ToString());

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/chat/completions"), tenant.Key);

        Assert.Equal(400, response.Status);
        Assert.Contains("max_tokens is too large", response.Body);
    }

    [Fact]
    public async Task NameThatResolvesToLoopbackAfterRegistration_IsRefusedAtConnectTime_AndTheCanarySeesNoConnection()
    {
        // 127.0.0.2 is loopback but outside the test allow-list (127.0.0.1/32).
        using var canary = new ConnectionCanary("127.0.0.2");
        var name = $"rebind-{Guid.NewGuid():N}.example.com";
        cluster.ControlPlaneDns.Set(name, "93.184.215.14");
        cluster.NodeDns.Set(name, "127.0.0.2");
        var tenant = await TenantWithEndpointAsync($"http://{name}:{canary.Port}/v1");

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 502, name, "127.0.0.2");
        Assert.Equal(0, canary.Connections);
        Assert.True(cluster.Node(0).Logs.Contains("Refused to connect to endpoint"));
        Assert.DoesNotContain(cluster.Node(0).Logs.Lines, l => l.Contains("127.0.0.2", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NameThatResolvesToAPrivateAndAPublicAddress_IsRefused()
    {
        using var canary = new ConnectionCanary("127.0.0.3");
        var name = $"mixed-{Guid.NewGuid():N}.example.com";
        cluster.ControlPlaneDns.Set(name, "93.184.215.14");
        // The first address is allow-listed and the second is not: the connection is refused, not made to the first.
        cluster.NodeDns.Set(name, "127.0.0.1", "127.0.0.3");
        var tenant = await TenantWithEndpointAsync($"http://{name}:{canary.Port}/v1");

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 502);
        Assert.Equal(0, canary.Connections);
    }

    [Fact]
    public async Task UpstreamRedirect_IsNotFollowedAndItsLocationNotShown()
    {
        await using var redirecting = await RecordingUpstream.StartAsync("redirecting");
        redirecting.Respond = context =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = "http://10.77.0.10:8080/internal/admin";
            return Task.CompletedTask;
        };
        var tenant = await TenantWithEndpointAsync(redirecting.BaseAddress.ToString());

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), tenant.Key);

        AssertClean(response, 502, "10.77.0.10", "internal/admin");
        Assert.Null(response.Header("Location"));
        Assert.Single(redirecting.Requests);
    }

    [Fact]
    public async Task ProtocolUpgrade_IsRefusedWith501AndNotTunnelled()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var before = _upstream.Requests.Count;

        var response = await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/realtime"), tenant.Key,
            "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");

        AssertClean(response, 501);
        Assert.Equal(before, _upstream.Requests.Count);
    }
}
