using MassTransit;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// A node's queue lives only while the node is connected, so messages sent while it was away are gone: every
/// time its receive endpoint becomes ready (start and every reconnect) the node pulls.
/// </summary>
internal sealed class BusReconnectObserver(ConfigSynchronizer synchronizer) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        synchronizer.RequestPull();
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
