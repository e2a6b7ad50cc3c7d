namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// The random id of this node process, sent with every pull and heartbeat: the control plane refuses a second live
/// process that presents the same node id instead of letting two machines share one identity.
/// </summary>
internal sealed class NodeIdentity
{
    public Guid InstanceId { get; } = Guid.NewGuid();
}
