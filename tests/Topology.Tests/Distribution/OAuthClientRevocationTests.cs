using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// OAuth clients across three node processes that poll every 10 minutes: a revoked client's unexpired token is
/// refused on every node once the bus carries the revocation; a rotated secret leaves issued tokens valid.
/// </summary>
public sealed class OAuthClientRevocationTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("oauth-revocation");
        _topology = await TopologyFixture.StartAsync("oauth-revocation");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task RevokedClient_UnexpiredTokenRefusedOnEveryNode_AndARotatedSecretKeepsIssuedTokens()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        var revoked = await CreateClientAsync(tenant, "batch");
        var rotated = await CreateClientAsync(tenant, "nightly");
        var path = tenant.Path();

        // Tokens from the control plane's token endpoint; each node validates them offline once the clients arrive.
        var token = await TokenAsync(revoked.ClientId, revoked.Secret);
        var kept = await TokenAsync(rotated.ClientId, rotated.Secret);
        await _topology.WaitForEveryNodeAsync(path, token, HttpStatusCode.OK, "the client's token to work on every node");
        await _topology.WaitForEveryNodeAsync(path, kept, HttpStatusCode.OK, "the second client's token to work on every node");
        _upstream.Clear();
        foreach (var node in Enumerable.Range(0, 3))
        {
            // Twice per node: the second request is answered from the node's token cache.
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, path, token));
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, path, token));
        }

        Assert.Equal(6, _upstream.Requests.Count(r => r.PathAndQuery == "/v1/models"));
        Assert.All(_upstream.Requests, r => Assert.Equal(revoked.ClientId, r.Header("X-Igw-Credential-Id")));

        // Rotating a secret stops the old secret at once; tokens already issued stay valid until they expire.
        using var admin = _topology.Admin();
        var rotation = await TopologyAdmin.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/oauth-clients/{rotated.Id}/rotate-secret", new { });
        var newSecret = (string)rotation["clientSecret"]!;
        await AssertNoTokenAsync(rotated.ClientId, rotated.Secret);
        var fresh = await TokenAsync(rotated.ClientId, newSecret);

        // Revoke the first client through the admin API: no new token, and its unexpired token is refused everywhere.
        using (var revoke = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/oauth-clients/{revoked.Id}/revoke", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await AssertNoTokenAsync(revoked.ClientId, revoked.Secret);
        await _topology.WaitForEveryNodeAsync(path, token, HttpStatusCode.Unauthorized, "the revoked client's token to be refused on every node");
        var revision = await _topology.CurrentRevisionAsync();
        await Wait.UntilAsync(async () => (await _topology.FleetAsync()).Values.All(n => (long)n["appliedRevision"]! == revision),
            "every node at the revocation's revision", diagnostics: _topology.Diagnostics);

        // From then on nothing of the revoked client reaches the upstream, on any node...
        _upstream.Clear();
        foreach (var node in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await _topology.StatusAsync(node, path, token));
        }

        Assert.Empty(_upstream.Requests);

        // ...while every node, now past the rotation too, still takes the rotated client's old token and its new one.
        foreach (var node in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, path, kept));
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, path, fresh));
        }

        Assert.Equal(6, _upstream.Requests.Count);
        Assert.All(_upstream.Requests, r => Assert.Equal(rotated.ClientId, r.Header("X-Igw-Credential-Id")));
    }

    private async Task<(string Id, string ClientId, string Secret)> CreateClientAsync(TopologyTenant tenant, string name)
    {
        using var admin = _topology.Admin();
        var created = await TopologyAdmin.PostAsync(admin, $"/api/v1/tenants/{tenant.TenantId}/oauth-clients", new { name, allowedModels = new[] { tenant.Model } });
        return ((string)created["client"]!["id"]!, (string)created["client"]!["clientId"]!, (string)created["clientSecret"]!);
    }

    private async Task<HttpResponseMessage> TokenResponseAsync(string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = _topology.ControlPlaneAddress, Timeout = TimeSpan.FromSeconds(30) };
        return await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
    }

    private async Task AssertNoTokenAsync(string clientId, string secret)
    {
        using var response = await TokenResponseAsync(clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (string)JsonNode.Parse(body)!["error"]!);
    }

    private async Task<string> TokenAsync(string clientId, string secret)
    {
        using var response = await TokenResponseAsync(clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token endpoint: {(int)response.StatusCode} {body}");
        return (string)JsonNode.Parse(body)!["access_token"]!;
    }
}
