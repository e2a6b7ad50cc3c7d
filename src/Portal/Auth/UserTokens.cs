using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using InferenceGateway.ControlPlane.Client;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace InferenceGateway.Portal.Auth;

/// <summary>
/// The signed-in user's access token for the control-plane API, refreshed with the refresh token shortly before it
/// expires. Scoped: in a circuit it reads the user of the circuit (its authentication state), never an HttpContext,
/// which a circuit does not have after its first request.
/// </summary>
internal sealed partial class UserTokens(
    AuthenticationStateProvider authentication,
    PortalSessions sessions,
    IHttpClientFactory clients,
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<PortalOptions> options,
    TimeProvider time,
    ILogger<UserTokens> logger)
{
    public const string SessionClaim = "igw:session";
    public const string TokenClient = "oidc-token";

    /// <summary>Refresh this long before expiry, so a call never leaves with a token that expires on the way.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);

    public async Task<string> GetAccessTokenAsync(CancellationToken ct)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var session = user.FindFirstValue(SessionClaim) ?? throw SessionEnded();
        var tokens = sessions.Get(session) ?? throw SessionEnded();
        if (tokens.ExpiresAt - Margin > time.GetUtcNow())
        {
            return tokens.AccessToken;
        }

        var gate = sessions.LockFor(session);
        await gate.WaitAsync(ct);
        try
        {
            // Another circuit of the session may have refreshed while this one waited.
            tokens = sessions.Get(session) ?? throw SessionEnded();
            if (tokens.ExpiresAt - Margin > time.GetUtcNow())
            {
                return tokens.AccessToken;
            }

            var refreshed = await RefreshAsync(tokens, ct) ?? throw SessionEnded();
            sessions.Set(session, refreshed);
            LogRefreshed(logger);
            return refreshed.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TokenSet?> RefreshAsync(TokenSet tokens, CancellationToken ct)
    {
        if (tokens.RefreshToken is not { Length: > 0 } refreshToken)
        {
            return null;
        }

        var configuration = await oidc.Get(OpenIdConnectDefaults.AuthenticationScheme).ConfigurationManager!.GetConfigurationAsync(ct);
        using var http = clients.CreateClient(TokenClient);
        var tokenEndpoint = options.Value.PublicControlPlaneUrl is { Length: > 0 } pub
            ? configuration.TokenEndpoint.Replace(pub.TrimEnd('/'), options.Value.ControlPlaneUrl!.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            : configuration.TokenEndpoint;
        using var response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = options.Value.ClientId,
            ["refresh_token"] = refreshToken,
        }), ct);
        if (!response.IsSuccessStatusCode)
        {
            LogRefreshRefused(logger, (int)response.StatusCode);
            return null;
        }

        var answer = await response.Content.ReadFromJsonAsync<TokenResponse>(ct);
        return answer?.AccessToken is { Length: > 0 } access
            ? new TokenSet(access, answer.RefreshToken ?? refreshToken, time.GetUtcNow().AddSeconds(answer.ExpiresIn ?? 300))
            : null;
    }

    private static ControlPlaneApiException SessionEnded() => new(401, "Your session has ended", "Sign in again to continue.");

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Refreshed a session's access token")]
    private static partial void LogRefreshed(ILogger logger);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "The control plane refused a session's refresh token ({Status}); the user must sign in again")]
    private static partial void LogRefreshRefused(ILogger logger, int status);
}
