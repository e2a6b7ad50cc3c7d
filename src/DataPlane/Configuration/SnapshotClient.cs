using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
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

    /// <summary>
    /// The full snapshot in its compact form (compressed on the wire), opened for reading as it arrives: the caller
    /// reads the header and streams the keys into the new state, then disposes the pull.
    /// </summary>
    public async Task<PulledSnapshot> GetFullAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(CompactSnapshot.MediaType));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            EnsureOk(response);
            if (response.Content.Headers.ContentType?.MediaType != CompactSnapshot.MediaType)
            {
                throw new SnapshotPullException("the control plane did not send the compact snapshot form");
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new PulledSnapshot(response, CompactSnapshot.Open(stream), cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The changes since <paramref name="revision"/> of <paramref name="epoch"/>; the full snapshot when the control plane's epoch or content differs.</summary>
    public async Task<ConfigUpdate> GetSinceAsync(long revision, Guid epoch, string contentHash, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"{Path}?since={revision}&epoch={epoch}&hash={contentHash}");

        // Saying it reads the compact form, the node gets "full" without the snapshot inline, and pulls that form.
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(CompactSnapshot.MediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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

/// <summary>A full snapshot being received: its reader, and the response it reads from (closed on dispose or on cancellation).</summary>
internal sealed class PulledSnapshot(HttpResponseMessage response, CompactSnapshot.Reader reader, CancellationToken cancellationToken) : IDisposable
{
    private readonly CancellationTokenRegistration _cancel = cancellationToken.Register(response.Dispose);

    public CompactSnapshot.Reader Reader { get; } = reader;

    public void Dispose()
    {
        _cancel.Dispose();
        Reader.Dispose();
        response.Dispose();
    }
}

internal class SnapshotPullException(string message) : Exception(message);

/// <summary>The control plane refused the pull: another live node process uses this node id.</summary>
internal sealed class NodeIdInUseException() : SnapshotPullException("this node id is in use by another live node process; give each node its own DataPlane:NodeId");
