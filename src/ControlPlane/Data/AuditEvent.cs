namespace InferenceGateway.ControlPlane.Data;

/// <summary>One mutation: who did what to which object. The summary is written from non-secret fields only.</summary>
internal sealed class AuditEvent
{
    public Guid Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public Guid? TenantId { get; set; }

    /// <summary>Dotted verb, for example <c>api_key.revoked</c>.</summary>
    public required string Action { get; set; }

    /// <summary>The object acted on, for example <c>api_key/&lt;id&gt;</c>.</summary>
    public required string Target { get; set; }

    public required string Summary { get; set; }
}
