using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.ControlPlane.Data;

/// <summary>A temporary block an operator (or, later, threat detection) issued against a key, a client network or a tenant.</summary>
internal sealed class Block
{
    public Guid Id { get; set; }

    public BlockTarget Target { get; set; }

    /// <summary>A key id, a network in CIDR form, or a tenant id.</summary>
    public required string Value { get; set; }

    public Guid? TenantId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LiftedAt { get; set; }

    public required string CreatedBy { get; set; }
}
