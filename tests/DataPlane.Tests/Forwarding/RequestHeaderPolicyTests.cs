using InferenceGateway.DataPlane.Forwarding;
using Microsoft.AspNetCore.Http;

namespace InferenceGateway.DataPlane.Tests.Forwarding;

public sealed class RequestHeaderPolicyTests
{
    [Fact]
    public void RemoveFrom_DropsHeadersNamedInConnection_ButNeverTheFraming()
    {
        var headers = new HeaderDictionary
        {
            ["Connection"] = "close, X-Secret,  x-other ,Content-Length",
            ["X-Secret"] = "1", ["X-Other"] = "2", ["Content-Length"] = "10", ["X-Kept"] = "3",
        };

        new RequestHeaderPolicy((IEnumerable<string>?)null).RemoveFrom(headers);

        Assert.Equal(["Content-Length", "X-Kept"], headers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RemoveFrom_UsesTheConfiguredIdentityHeaders_WithPrefixWildcards()
    {
        var headers = new HeaderDictionary
        {
            ["X-Org-Id"] = "1", ["X-Org-Role"] = "admin", ["X-Team-Id"] = "2", ["X-Tenant-Id"] = "kept-when-not-listed", ["X-Igw-Tenant"] = "always-dropped",
        };

        new RequestHeaderPolicy(["X-Org-*", "x-team-id"]).RemoveFrom(headers);

        Assert.Equal(["X-Tenant-Id"], headers.Keys);
    }

    [Fact]
    public void RemoveFrom_TheUpstreamRequest_LeavesTheClientsHeadersAsTheyArrived()
    {
        var source = new HeaderDictionary
        {
            ["Authorization"] = "Bearer igw_secret", ["Cookie"] = "a=1", ["Connection"] = "X-Secret, Content-Language",
            ["X-Secret"] = "1", ["Content-Language"] = "de", ["Content-Type"] = "application/json", ["X-Kept"] = "3",
        };
        for (var i = 0; i < 10; i++)
        {
            // More dropped names than the policy keeps on the stack.
            source[$"X-Consumer-{i}"] = "forged";
        }

        using var target = new HttpRequestMessage(HttpMethod.Post, "http://upstream.test/") { Content = new ByteArrayContent([]) };
        foreach (var (name, values) in source)
        {
            if (!target.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                target.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        new RequestHeaderPolicy((IEnumerable<string>?)null).RemoveFrom(source, target);

        Assert.Equal(["X-Kept"], target.Headers.Select(h => h.Key));
        Assert.Equal(["Content-Type"], target.Content.Headers.Select(h => h.Key));
        Assert.Equal(17, source.Count);
        Assert.Equal("Bearer igw_secret", source["Authorization"]);
    }
}
