using System.Net;
using System.Net.Http.Headers;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Distribution;

/// <summary>Per-node credentials on the snapshot API (which carries decrypted upstream credentials), and one live process per node id.</summary>
public sealed class NodeCredentialTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private const string Snapshot = "/api/v1/dataplane/snapshot";

    /// <summary>The one process of the configured node in these tests.</summary>
    private static readonly Guid ConfiguredInstance = Guid.NewGuid();
    private readonly HttpClient _admin = app.Admin();

    private HttpClient Node(string? nodeId, string? token, Guid? instance = null)
    {
        var client = app.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (nodeId is not null)
        {
            client.DefaultRequestHeaders.Add("X-Igw-Node-Id", nodeId);
        }

        client.DefaultRequestHeaders.Add("X-Igw-Node-Instance", (instance ?? (nodeId == ControlPlaneApp.NodeId ? ConfiguredInstance : Guid.NewGuid())).ToString());
        return client;
    }

    private async Task<HttpStatusCode> PullAsync(string? nodeId, string? token, Guid? instance = null)
    {
        using var response = await Node(nodeId, token, instance).GetAsync(Snapshot);
        return response.StatusCode;
    }

    private static string NewNodeId() => $"node-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task ConfiguredToken_AuthenticatesOnlyItsOwnNodeId()
    {
        Assert.Equal(HttpStatusCode.OK, await PullAsync(ControlPlaneApp.NodeId, ControlPlaneApp.NodeToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await PullAsync(NewNodeId(), ControlPlaneApp.NodeToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdefghijklmnopqrstuvwxyz")]
    [InlineData(ControlPlaneApp.AdminToken)]
    public async Task WrongOrMissingToken_IsRefusedWithAProblem(string? token)
    {
        using var response = await Node(ControlPlaneApp.NodeId, token).GetAsync(Snapshot);

        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("X-Igw-Node-Id", (string)problem["detail"]!);
    }

    [Fact]
    public async Task MissingNodeId_IsRefused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await PullAsync(null, ControlPlaneApp.NodeToken));
    }

    [Fact]
    public async Task IssuedToken_Works_AndOnceRevokedGets401_WhileOtherNodesKeepWorking()
    {
        var nodeId = NewNodeId();
        var other = NewNodeId();
        var issued = await _admin.PostOkAsync($"/api/v1/dataplane/nodes/{nodeId}/credential", new { });
        var otherIssued = await _admin.PostOkAsync($"/api/v1/dataplane/nodes/{other}/credential", new { });
        var token = (string)issued["token"]!;
        Assert.Equal(nodeId, (string)issued["nodeId"]!);
        Assert.Equal(HttpStatusCode.OK, await PullAsync(nodeId, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await PullAsync(other, token));

        var revoke = await _admin.DeleteAsync($"/api/v1/dataplane/nodes/{nodeId}/credential");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await PullAsync(nodeId, token));
        Assert.Equal(HttpStatusCode.OK, await PullAsync(other, (string)otherIssued["token"]!));
        Assert.Equal(HttpStatusCode.OK, await PullAsync(ControlPlaneApp.NodeId, ControlPlaneApp.NodeToken));
        (await _admin.DeleteAsync($"/api/v1/dataplane/nodes/{nodeId}/credential")).Dispose();
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync($"/api/v1/dataplane/nodes/{nodeId}/credential")).StatusCode);
    }

    [Fact]
    public async Task ReissuedToken_ReplacesThePreviousOne()
    {
        var nodeId = NewNodeId();
        var first = (string)(await _admin.PostOkAsync($"/api/v1/dataplane/nodes/{nodeId}/credential", new { }))["token"]!;
        var second = (string)(await _admin.PostOkAsync($"/api/v1/dataplane/nodes/{nodeId}/credential", new { }))["token"]!;

        Assert.Equal(HttpStatusCode.Unauthorized, await PullAsync(nodeId, first));
        Assert.Equal(HttpStatusCode.OK, await PullAsync(nodeId, second));
        var stored = await app.WithDbAsync(db => Task.FromResult(db.NodeCredentials.Single(c => c.NodeId == nodeId)));
        Assert.Equal(32, stored.TokenHash!.Length);
        Assert.DoesNotContain(second, System.Text.Encoding.UTF8.GetString(stored.TokenHash), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeApi_IsForPlatformAdminsOnly_AndChecksTheNodeId()
    {
        var asNode = Node(ControlPlaneApp.NodeId, ControlPlaneApp.NodeToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asNode.PostAsync($"/api/v1/dataplane/nodes/{NewNodeId()}/credential", null)).StatusCode);

        var invalid = await _admin.PostAsync("/api/v1/dataplane/nodes/bad%20id/credential", null);

        var problem = await invalid.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("nodeId"));
    }

    [Fact]
    public async Task SecondLiveInstanceOfANodeId_IsRefusedUntilTheFirstOnesLeaseLapses()
    {
        var nodeId = NewNodeId();
        var token = (string)(await _admin.PostOkAsync($"/api/v1/dataplane/nodes/{nodeId}/credential", new { }))["token"]!;
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, await PullAsync(nodeId, token, first));

        using var refused = await Node(nodeId, token, second).GetAsync(Snapshot);

        var problem = await refused.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("another live node process", (string)problem["detail"]!);
        Assert.Equal(HttpStatusCode.OK, await PullAsync(nodeId, token, first));

        // The first process stopped pulling (it crashed or was replaced): after the lease the new one takes over.
        app.Time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.OK, await PullAsync(nodeId, token, second));
        Assert.Equal(HttpStatusCode.Conflict, await PullAsync(nodeId, token, first));
    }

    [Fact]
    public async Task MissingInstanceId_IsABadRequest()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ControlPlaneApp.NodeToken);
        client.DefaultRequestHeaders.Add("X-Igw-Node-Id", ControlPlaneApp.NodeId);

        using var response = await client.GetAsync(Snapshot);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }
}
