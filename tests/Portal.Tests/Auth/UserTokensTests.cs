using System.Net;
using System.Security.Claims;
using System.Text;
using InferenceGateway.ControlPlane.Client;
using InferenceGateway.Portal.Auth;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace InferenceGateway.Portal.Tests.Auth;

/// <summary>A circuit outlives the access token: the token service renews it with the refresh token, once per session.</summary>
public sealed class UserTokensTests
{
    private const string Session = "session-1";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z"));
    private readonly TokenEndpoint _endpoint = new();
    private readonly PortalSessions _sessions;

    public UserTokensTests() => _sessions = new PortalSessions(_time);

    private UserTokens Circuit() => new(
        new SignedIn(Session),
        _sessions,
        new Clients(_endpoint),
        new OidcOptions(),
        Options.Create(new PortalOptions { ClientId = "portal" }),
        _time,
        NullLogger<UserTokens>.Instance);

    [Fact]
    public async Task GetAccessToken_WhileValid_IsTheSessionsToken_WithoutARefresh()
    {
        _sessions.Set(Session, new TokenSet("access-1", "refresh-1", _time.GetUtcNow().AddMinutes(15)));
        Assert.Equal("access-1", await Circuit().GetAccessTokenAsync(CancellationToken.None));
        Assert.Empty(_endpoint.Requests);
    }

    [Fact]
    public async Task GetAccessToken_NearExpiry_RefreshesOnce_AndEveryCircuitOfTheSessionGetsTheNewToken()
    {
        _sessions.Set(Session, new TokenSet("access-1", "refresh-1", _time.GetUtcNow().AddMinutes(15)));
        _time.Advance(TimeSpan.FromMinutes(14.5));
        _endpoint.Answer = """{"access_token":"access-2","refresh_token":"refresh-2","expires_in":900,"token_type":"Bearer"}""";

        Assert.Equal("access-2", await Circuit().GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal("access-2", await Circuit().GetAccessTokenAsync(CancellationToken.None));

        var request = Assert.Single(_endpoint.Requests);
        Assert.Equal("grant_type=refresh_token&client_id=portal&refresh_token=refresh-1", request);
        Assert.Equal("refresh-2", _sessions.Get(Session)!.RefreshToken);
    }

    [Fact]
    public async Task GetAccessToken_RefreshRefused_EndsTheSessionWithA401()
    {
        _sessions.Set(Session, new TokenSet("access-1", "refresh-1", _time.GetUtcNow().AddSeconds(10)));
        _endpoint.Status = HttpStatusCode.BadRequest;
        _endpoint.Answer = """{"error":"invalid_grant"}""";

        var error = await Assert.ThrowsAsync<ControlPlaneApiException>(() => Circuit().GetAccessTokenAsync(CancellationToken.None));
        Assert.True(error.IsUnauthorized);
        Assert.Equal("Your session has ended", error.Title);
    }

    [Fact]
    public async Task GetAccessToken_UnknownSession_IsA401()
    {
        var error = await Assert.ThrowsAsync<ControlPlaneApiException>(() => Circuit().GetAccessTokenAsync(CancellationToken.None));
        Assert.True(error.IsUnauthorized);
        Assert.Empty(_endpoint.Requests);
    }

    private sealed class SignedIn(string session) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(UserTokens.SessionClaim, session)], "test"))));
    }

    private sealed class TokenEndpoint : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public string Answer { get; set; } = "{}";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("https://cp.example.test/connect/token", request.RequestUri!.ToString());
            Requests.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(Status) { Content = new StringContent(Answer, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private sealed class OidcOptions : IOptionsMonitor<OpenIdConnectOptions>
    {
        private readonly OpenIdConnectOptions _options = new()
        {
            ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(new OpenIdConnectConfiguration { TokenEndpoint = "https://cp.example.test/connect/token" }),
        };

        public OpenIdConnectOptions CurrentValue => _options;

        public OpenIdConnectOptions Get(string? name) => _options;

        public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;
    }
}
