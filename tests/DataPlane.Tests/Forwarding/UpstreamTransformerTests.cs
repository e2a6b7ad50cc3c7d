using InferenceGateway.DataPlane.Forwarding;
using InferenceGateway.Security.Keys;
using Microsoft.AspNetCore.Http;

namespace InferenceGateway.DataPlane.Tests.Forwarding;

public sealed class UpstreamTransformerTests
{
    [Fact]
    public void RemoveUnsafeHeaders_DropsCredentialsForwardingAndInternalHeadersOnly()
    {
        var headers = new HeaderDictionary
        {
            ["Authorization"] = "Bearer x",
            ["x-api-key"] = "x",
            ["Cookie"] = "session=1",
            ["X-Forwarded-For"] = "1.2.3.4",
            ["x-forwarded-host"] = "evil",
            ["Forwarded"] = "for=1.2.3.4",
            ["X-Real-IP"] = "1.2.3.4",
            ["X-Original-URL"] = "/t/other/chat",
            ["X-Rewrite-URL"] = "/t/other/chat",
            ["X-Igw-Tenant"] = "other",
            ["X-Custom"] = $"carries {ApiKeyText.Create(ApiKeyText.NewPublicId())}",
            ["Content-Type"] = "application/json",
            ["Accept"] = "text/event-stream",
            ["OpenAI-Beta"] = "assistants=v2",
        };

        UpstreamTransformer.RemoveUnsafeHeaders(headers);

        Assert.Equal(["Accept", "Content-Type", "OpenAI-Beta"], headers.Keys.Order(StringComparer.Ordinal));
    }
}
