using InferenceGateway.Contracts.Admin;
using InferenceGateway.Portal.Components.Pages.Tenant;

namespace InferenceGateway.Portal.Tests.Components;

public sealed class ApiKeyCsvTests
{
    [Fact]
    public void Write_QuotesWhatNeedsIt_AndDefusesFormulas()
    {
        var plain = FakeControlPlaneApi.Key("customer-0001") with { CreatedAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero) };
        var csv = ApiKeyCsv.Write(
        [
            new ApiKeySecretResponse(plain, "igw_a_secret"),
            new ApiKeySecretResponse(FakeControlPlaneApi.Key("acme, \"east\""), "igw_b_secret"),
            new ApiKeySecretResponse(FakeControlPlaneApi.Key("=HYPERLINK(1)"), "igw_c_secret"),
        ]);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,id,prefix,secret,created_at", lines[0]);
        Assert.Equal($"customer-0001,{plain.Id},igw_abcdef,igw_a_secret,2026-12-01T10:00:00.0000000+00:00", lines[1]);
        Assert.StartsWith("\"acme, \"\"east\"\"\",", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("'=HYPERLINK(1),", lines[3], StringComparison.Ordinal);
    }
}
