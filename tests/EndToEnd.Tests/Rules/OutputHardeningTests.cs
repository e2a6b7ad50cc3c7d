using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using InferenceGateway.EndToEnd.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Http;

namespace InferenceGateway.EndToEnd.Tests.Rules;

/// <summary>Output hardening set through the admin API and applied by the node to the upstream's real answers.</summary>
[Collection(NodeCollection.Name)]
public sealed class OutputHardeningTests(SingleNodeCluster cluster) : IAsyncLifetime
{
    private const string ThreeClasses =
        """{"model":"m","label":"cat","scores":[{"label":"dog","score":0.2512345},{"label":"cat","score":0.6987654},{"label":"fox","score":0.05}],"logits":[1.5,2.5,0.1]}""";

    private RecordingUpstream _upstream = null!;
    private TenantSetup _tenant = null!;

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync("hardening");
        _tenant = await cluster.CreateTenantAsync(_upstream, model: "classifier");
        await EndpointRulesSetup.PatchEndpointAsync(cluster, _tenant, new
        {
            outputHardening = new { scoresPath = "scores", topK = 1, scoreDecimals = 2, removeFields = new[] { "logits" } },
        });
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ThreeClassAnswer_ReachesTheClientAsTopOneRoundedWithoutLogits()
    {
        _upstream.Respond = context => Answer(context, "application/json", ThreeClasses);
        using var request = new HttpRequestMessage(HttpMethod.Post, _tenant.Path("/classify")) { Content = new StringContent("{}") };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await cluster.Client(0, _tenant.Key).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"model":"m","label":"cat","scores":[{"label":"cat","score":0.7}]}""", body);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var upstreamSaw = _upstream.Requests.Last(r => r.PathAndQuery == "/v1/classify");
        Assert.Null(upstreamSaw.Header("Accept-Encoding"));
    }

    [Fact]
    public async Task NonJsonAnswer_PassesUnchanged()
    {
        const string text = "cat 0.6987654, dog 0.2512345, fox 0.05";
        _upstream.Respond = context => Answer(context, "text/plain", text);

        using var response = await cluster.Client(0, _tenant.Key).PostAsync(_tenant.Path("/classify"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(text, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JsonOfAnotherShape_PassesUnchanged()
    {
        const string other = """{"object":"list","data":[{"id":"m"}],"logits":[1]}""";
        _upstream.Respond = context => Answer(context, "application/json", other);

        using var response = await cluster.Client(0, _tenant.Key).GetAsync(_tenant.Path("/models"));

        Assert.Equal(other, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CompressedAnswer_IsRefusedRatherThanPassedUnhardened()
    {
        _upstream.Respond = context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            return Answer(context, "application/json", ThreeClasses);
        };

        using var response = await cluster.Client(0, _tenant.Key).PostAsync(_tenant.Path("/classify"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("0.2512345", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AdminApi_RefusesBadHardeningWithEveryError_AndKeepsTheOldOne()
    {
        var admin = cluster.Admin();
        var list = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{_tenant.TenantId}/endpoints"))!;
        var endpointId = (string)list["items"]![0]!["id"]!;

        using var response = await admin.PatchAsync(
            $"/api/v1/tenants/{_tenant.TenantId}/endpoints/{endpointId}",
            new StringContent("""{"outputHardening":{"topK":0,"scoreDecimals":12,"removeFields":["a b"]},"imageRules":{"allowedTypes":["svg"],"maxImages":0}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(
            new[] { "imageRules.allowedTypes", "imageRules.maxImages", "outputHardening.removeFields", "outputHardening.scoreDecimals", "outputHardening.scoresPath", "outputHardening.topK" },
            errors.Select(e => e.Key).Order());
        var stored = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{_tenant.TenantId}/endpoints/{endpointId}"))!;
        Assert.Equal(1, (int)stored["outputHardening"]!["topK"]!);
        Assert.Null(stored["imageRules"]);
        var audit = await admin.GetStringAsync($"/api/v1/tenants/{_tenant.TenantId}/audit?action=endpoint.updated");
        Assert.Contains("OutputHardening", audit);
    }

    private static Task Answer(HttpContext context, string type, string body)
    {
        context.Response.ContentType = type;
        return context.Response.WriteAsync(body);
    }
}
