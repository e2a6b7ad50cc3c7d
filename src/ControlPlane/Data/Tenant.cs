namespace InferenceGateway.ControlPlane.Data;

internal sealed class Tenant
{
    public Guid Id { get; set; }

    /// <summary>Appears in gateway URLs, so it never changes after creation.</summary>
    public required string Slug { get; set; }

    public required string DisplayName { get; set; }

    public TenantStatus Status { get; set; } = TenantStatus.Active;

    public Guid PlanId { get; set; }

    public Plan? Plan { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }

    public string? SuspendedReason { get; set; }
}

internal enum TenantStatus
{
    Active,
    Suspended,
}
