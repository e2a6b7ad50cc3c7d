using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceGateway.EndToEnd.Tests.Infrastructure;

namespace InferenceGateway.EndToEnd.Tests.Rules;

internal static class EndpointRulesSetup
{
    /// <summary>Changes the tenant's endpoint through the admin API and waits until the node serves the new revision.</summary>
    public static async Task<JsonObject> PatchEndpointAsync(GatewayCluster cluster, TenantSetup tenant, object patch)
    {
        var admin = cluster.Admin();
        var list = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/endpoints"))!;
        var endpointId = (string)list["items"]![0]!["id"]!;
        var response = await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenant.TenantId}/endpoints/{endpointId}", patch);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PATCH endpoint: {(int)response.StatusCode} {text}");
        await cluster.SyncAsync();
        return JsonNode.Parse(text)!.AsObject();
    }
}
