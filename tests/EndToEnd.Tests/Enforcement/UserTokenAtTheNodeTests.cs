using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;

namespace InferenceGateway.EndToEnd.Tests.Enforcement;

/// <summary>
/// Genuine tokens that are not access tokens for the gateway, from a real portal sign-in (code + PKCE): the refresh
/// token, the id token, and the user's own access token (for the admin API, no gateway audience) are each refused
/// by the node with 401, and nothing reaches the upstream.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class UserTokenAtTheNodeTests(IdentityCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("user-tokens");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task RefreshToken_IdToken_AndAUsersAccessToken_AreRefused_WithNoUpstreamCall()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var client = await TokenMint.CreateClientAsync(cluster, tenant, tenant.Model);
        var tokens = await cluster.SignInMemberAsync(tenant.TenantId, "tenant-admin");
        await cluster.SyncAsync();

        // What they are: the id token is a signed JWT of the platform issuer (typ JWT, audience the portal client);
        // the refresh token is whatever the server made of it (encrypted), never an access token.
        Assert.Equal("JWT", (string)TokenMint.Part(tokens.IdToken, 0)["typ"]!);
        Assert.Equal("portal", (string)TokenMint.Part(tokens.IdToken, 1)["aud"]!);
        Assert.Equal("at+jwt", (string)TokenMint.Part(tokens.AccessToken, 0)["typ"]!);

        // Positive control: a machine token of the same tenant passes the same path.
        Assert.Equal(200, (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), await TokenMint.TokenAsync(cluster, client))).Status);

        _upstream.Clear();
        var refused = new Dictionary<string, int>();
        foreach (var (name, token) in new[] { ("refresh token", tokens.RefreshToken), ("id token", tokens.IdToken), ("user's access token", tokens.AccessToken) })
        {
            refused[name] = (await RawHttp.GetAsync(cluster.NodeAddress(0), tenant.Path("/models"), token)).Status;
        }

        Assert.All(refused, r => Assert.True(r.Value == 401, $"{r.Key}: {r.Value}"));
        Assert.Empty(_upstream.Requests);
    }
}
