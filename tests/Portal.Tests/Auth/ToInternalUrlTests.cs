using InferenceGateway.Portal.Auth;

namespace InferenceGateway.Portal.Tests.Auth;

/// <summary>Browsers use the control plane's public URL; the portal's own calls to that URL go to the internal one.</summary>
public sealed class ToInternalUrlTests
{
    [Theory]
    [InlineData("https://id.example.com/connect/token", "http://control-plane:8080/connect/token")]
    [InlineData("https://id.example.com/.well-known/jwks?x=1", "http://control-plane:8080/.well-known/jwks?x=1")]
    [InlineData("https://elsewhere.example.com/connect/token", "https://elsewhere.example.com/connect/token")]
    public async Task Send_RewritesOnlyThePublicOrigin(string requested, string sent)
    {
        var seen = new List<Uri>();
        var handler = new PortalAuthentication.ToInternalUrl(new Uri("https://id.example.com/"), new Uri("http://control-plane:8080/"))
        {
            InnerHandler = new Recorder(seen),
        };
        using var client = new HttpClient(handler);
        await client.GetAsync(requested);
        Assert.Equal(sent, Assert.Single(seen).ToString());
    }

    private sealed class Recorder(List<Uri> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
