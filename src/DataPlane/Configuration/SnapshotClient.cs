using System.Net;
using System.Net.Http.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>Pulls configuration from the control plane over HTTP with the node's credential.</summary>
internal sealed class SnapshotClient(HttpClient http)
{
    public const string Path = "api/v1/dataplane/snapshot";

    public async Task<ConfigSnapshot> GetFullAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureOk(response);
        return await response.Content.ReadFromJsonAsync<ConfigSnapshot>(ContractJson.Options, cancellationToken)
            ?? throw new SnapshotPullException("the control plane sent an empty snapshot");
    }

    public async Task<ConfigUpdate> GetSinceAsync(long revision, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"{Path}?since={revision}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureOk(response);
        return await response.Content.ReadFromJsonAsync<ConfigUpdate>(ContractJson.Options, cancellationToken)
            ?? throw new SnapshotPullException("the control plane sent an empty update");
    }

    private static void EnsureOk(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new SnapshotPullException($"the control plane answered {(int)response.StatusCode}");
        }
    }
}

internal sealed class SnapshotPullException(string message) : Exception(message);
