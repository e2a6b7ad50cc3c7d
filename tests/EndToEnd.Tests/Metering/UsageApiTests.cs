using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Features.Usage;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.EndToEnd.Tests.Metering;

/// <summary>GET /api/v1/tenants/{id}/usage over ledger rows made from known batches.</summary>
[Collection(NodeCollection.Name)]
public sealed class UsageApiTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await RecordingUpstream.StartAsync("usage-api");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private async Task<TenantSetup> TenantWithUsageAsync()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var id = Guid.Parse(tenant.TenantId);
        UsageCell Cell(string model, string credential, DateTimeOffset minute, long requests, long input, long output) => new()
        {
            TenantId = id, CredentialId = credential, CredentialKind = "api-key", Model = model, Minute = minute,
            Requests2xx = requests, InputTokens = input, OutputTokens = output, LatencySumMicros = requests * 1000,
            LatencyBuckets = [requests, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        };
        var batch = new UsageReported
        {
            BatchId = Guid.CreateVersion7(),
            NodeId = "test",
            CreatedAt = Day,
            Cells =
            [
                Cell("chat", "key-a", Day.AddHours(9).AddMinutes(1), 2, 20, 4),
                Cell("chat", "key-b", Day.AddHours(9).AddMinutes(1), 1, 10, 2),
                Cell("embed", "key-a", Day.AddHours(10), 5, 50, 0),
                Cell("chat", "key-a", Day.AddDays(1).AddHours(1), 3, 30, 6),
            ],
        };
        await using var scope = cluster.ControlPlane!.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<UsageLedger>().ApplyAsync(batch, CancellationToken.None));
        return tenant;
    }

    private static string Range(DateTimeOffset from, DateTimeOffset to) =>
        $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";

    [Fact]
    public async Task ByDayAndModel_SumsTheLedgerRows()
    {
        var tenant = await TenantWithUsageAsync();
        var report = JsonNode.Parse(await cluster.Admin().GetStringAsync(
            $"/api/v1/tenants/{tenant.TenantId}/usage?{Range(Day, Day.AddDays(2))}&granularity=day&groupBy=model"))!;

        var rows = report["rows"]!.AsArray().Select(r => ((string)r!["bucketStart"]!, (string)r["model"]!, (long)r["requests"]!, (long)r["inputTokens"]!, (long)r["outputTokens"]!)).ToList();
        Assert.Equal(
            [("2026-11-20T00:00:00+00:00", "chat", 3L, 30L, 6L), ("2026-11-20T00:00:00+00:00", "embed", 5L, 50L, 0L), ("2026-11-21T00:00:00+00:00", "chat", 3L, 30L, 6L)],
            rows);
        Assert.Equal((11L, 110L, 12L), ((long)report["totals"]!["requests"]!, (long)report["totals"]!["inputTokens"]!, (long)report["totals"]!["outputTokens"]!));
    }

    [Fact]
    public async Task ByMinuteAndCredential_OneRowPerCredentialAndMinute()
    {
        var tenant = await TenantWithUsageAsync();
        var report = JsonNode.Parse(await cluster.Admin().GetStringAsync(
            $"/api/v1/tenants/{tenant.TenantId}/usage?{Range(Day.AddHours(9), Day.AddHours(9).AddMinutes(30))}&granularity=minute&groupBy=credential"))!;

        var rows = report["rows"]!.AsArray().Select(r => ((string)r!["credentialId"]!, (string)r["credentialKind"]!, (long)r["requests"]!)).ToList();
        Assert.Equal([("key-a", "api-key", 2L), ("key-b", "api-key", 1L)], rows);
    }

    [Fact]
    public async Task AcceptTextCsv_GivesCsvWithTheSameFigures()
    {
        var tenant = await TenantWithUsageAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tenants/{tenant.TenantId}/usage?{Range(Day, Day.AddDays(1))}&granularity=hour");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await cluster.Admin().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.StartsWith("bucket_start,model,credential_id,credential_kind,requests,", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2026-11-20T09:00:00Z,,,,3,3,0,0,0,", lines[1]);
        Assert.EndsWith(",malformed_usage,would_have_been_limited,budget_would_limit", lines[0]);
        Assert.EndsWith(",30,6,0,0,0,0,0", lines[1]);
        Assert.StartsWith("2026-11-20T10:00:00Z,,,,5,5,", lines[2]);
    }

    [Theory]
    [InlineData("granularity=week", "granularity")]
    [InlineData("groupBy=region", "groupBy")]
    [InlineData("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "to")]
    [InlineData("granularity=minute&from=2026-11-01T00:00:00Z&to=2026-11-05T00:00:00Z", "from")]
    public async Task BadParameters_Are400WithTheFieldNamed(string query, string field)
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var response = await cluster.Admin().GetAsync($"/api/v1/tenants/{tenant.TenantId}/usage?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Fact]
    public async Task UnreadableDate_Is400()
    {
        var tenant = await cluster.CreateTenantAsync(_upstream);
        var response = await cluster.Admin().GetAsync($"/api/v1/tenants/{tenant.TenantId}/usage?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownTenant_Is404()
    {
        var response = await cluster.Admin().GetAsync($"/api/v1/tenants/{Guid.NewGuid()}/usage");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
