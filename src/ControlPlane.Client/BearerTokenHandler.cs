using System.Net.Http.Headers;

namespace InferenceGateway.ControlPlane.Client;

/// <summary>Puts a fixed bearer credential on every call: the bootstrap token of automation, or a test's token.</summary>
public sealed class BearerTokenHandler(string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>A client for <paramref name="baseUrl"/> that authenticates with <paramref name="token"/>.</summary>
    public static HttpClient CreateClient(string baseUrl, string token) =>
        new(new BearerTokenHandler(token) { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
}
