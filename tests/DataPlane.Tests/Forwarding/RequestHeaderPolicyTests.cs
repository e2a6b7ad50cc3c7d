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
}
