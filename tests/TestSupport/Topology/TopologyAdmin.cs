using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>A tenant with one endpoint and one key, as the admin API created it.</summary>
public sealed record TopologyTenant(string TenantId, string Slug, string Model, string Key, string KeyId)
{
    public string Path(string rest = "/models") => $"/t/{Slug}/{Model}{rest}";
}

/// <summary>The admin calls and gateway requests the topology tests and the propagation bench make.</summary>
public static class TopologyAdmin
{
    private static readonly object DefaultLimits = new { requestsPerSecondPerKey = 100_000, burstPerKey = 100_000, requestsPerSecondPerTenant = 100_000, burstPerTenant = 100_000 };

    /// <summary>A plan, a tenant, an endpoint for <paramref name="upstream"/> and a key.</summary>
    public static Task<TopologyTenant> CreateTenantAsync(this GatewayTopology topology, RecordingUpstream upstream, string model = "chat") =>
        topology.CreateTenantAsync(upstream, DefaultLimits, model);

    /// <summary>The same, with a plan of the given <c>limits</c> (the plan API's JSON shape).</summary>
    public static Task<TopologyTenant> CreateTenantAsync(this GatewayTopology topology, RecordingUpstream upstream, object limits, string model = "chat") =>
        topology.CreateTenantAsync($"{upstream.BaseAddress.ToString().TrimEnd('/')}/v1", limits, model);

    /// <summary>A plan, a tenant, an endpoint whose upstream base URL is <paramref name="baseUrl"/> (e.g. a model server's <c>/v1</c>) and a key.</summary>
    public static Task<TopologyTenant> CreateTenantAsync(this GatewayTopology topology, string baseUrl, string model) =>
        topology.CreateTenantAsync(baseUrl, DefaultLimits, model);

    /// <summary>The same, with a plan of the given <c>limits</c>.</summary>
    public static async Task<TopologyTenant> CreateTenantAsync(this GatewayTopology topology, string baseUrl, object limits, string model)
    {
        using var admin = topology.Admin();
        var plan = await PostAsync(admin, "/api/v1/plans", new { name = $"plan-{Guid.NewGuid():N}", limits });
        var slug = $"t{Guid.NewGuid():N}"[..16];
        var tenant = await PostAsync(admin, "/api/v1/tenants", new { slug, displayName = slug, planId = (string)plan["id"]! });
        var tenantId = (string)tenant["id"]!;
        await PostAsync(admin, $"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model,
            baseUrl,
            timeoutSeconds = 30,
        });
        var key = await topology.CreateKeyAsync(tenantId, "default");
        return new TopologyTenant(tenantId, slug, model, key.Key, key.KeyId);
    }

    public static async Task<(string Key, string KeyId)> CreateKeyAsync(this GatewayTopology topology, string tenantId, string name)
    {
        using var admin = topology.Admin();
        var created = await PostAsync(admin, $"/api/v1/tenants/{tenantId}/api-keys", new { name });
        return ((string)created["key"]!, (string)created["apiKey"]!["id"]!);
    }

    public static async Task<HttpResponseMessage> RevokeKeyAsync(this GatewayTopology topology, string tenantId, string keyId)
    {
        using var admin = topology.Admin();
        return await admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/revoke", new { });
    }

    public static async Task<long> CurrentRevisionAsync(this GatewayTopology topology)
    {
        using var admin = topology.Admin();
        return (long)JsonNode.Parse(await admin.GetStringAsync("/api/v1/dataplane/config"))!["currentRevision"]!;
    }

    /// <summary>The status node <paramref name="index"/> answers for <paramref name="path"/> with <paramref name="key"/>.</summary>
    public static async Task<HttpStatusCode> StatusAsync(this GatewayTopology topology, int index, string path, string key)
    {
        using var client = topology.Client(index);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Waits until every running node answers <paramref name="expected"/> for the key on the path.</summary>
    public static Task WaitForEveryNodeAsync(this GatewayTopology topology, string path, string key, HttpStatusCode expected, string what, TimeSpan? timeout = null) =>
        Wait.UntilAsync(async () =>
        {
            foreach (var index in Enumerable.Range(0, topology.NodeCount).Where(i => topology.Node(i) is not null))
            {
                if (await topology.StatusAsync(index, path, key) != expected)
                {
                    return false;
                }
            }

            return true;
        }, what, timeout, topology.Diagnostics);

    public static async Task<JsonObject> PostAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }
}
