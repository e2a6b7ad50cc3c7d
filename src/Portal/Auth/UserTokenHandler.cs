using System.Net.Http.Headers;

namespace InferenceGateway.Portal.Auth;

/// <summary>
/// Puts the signed-in user's access token on every control-plane call. Created per DI scope (per circuit) around the
/// factory's pooled handler, not by the factory: the factory builds its handlers in a scope of its own, where the
/// circuit's user is unknown.
/// </summary>
internal sealed class UserTokenHandler(UserTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAccessTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
