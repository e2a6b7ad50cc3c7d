using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>Pulls configuration from the control plane over HTTP with the node's own credential.</summary>
internal sealed class SnapshotClient(HttpClient http)
{
    public const string Path = "api/v1/dataplane/snapshot";
    public const string NodeIdHeader = "X-Igw-Node-Id";
    public const string InstanceHeader = "X-Igw-Node-Instance";

    public async Task<ConfigSnapshot> GetFullAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureOk(response);
        return await response.Content.ReadFromJsonAsync<ConfigSnapshot>(ContractJson.Options, cancellationToken)
            ?? throw new SnapshotPullException("the control plane sent an empty snapshot");
    }

    /// <summary>The changes since <paramref name="revision"/> of <paramref name="epoch"/>; the full snapshot when the control plane's epoch or content differs.</summary>
    public async Task<ConfigUpdate> GetSinceAsync(long revision, Guid epoch, string contentHash, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"{Path}?since={revision}&epoch={epoch}&hash={contentHash}");
        using var response = await http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureOk(response);
        return await response.Content.ReadFromJsonAsync<ConfigUpdate>(ContractJson.Options, cancellationToken)
            ?? throw new SnapshotPullException("the control plane sent an empty update");
    }

    private static void EnsureOk(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new NodeIdInUseException();
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new SnapshotPullException($"the control plane answered {(int)response.StatusCode}");
        }
    }
}

internal class SnapshotPullException(string message) : Exception(message);

/// <summary>The control plane refused the pull: another live node process uses this node id.</summary>
internal sealed class NodeIdInUseException() : SnapshotPullException("this node id is in use by another live node process; give each node its own DataPlane:NodeId");
