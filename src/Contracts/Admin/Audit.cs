namespace InferenceGateway.Contracts.Admin;

public sealed record AuditEventResponse(Guid Id, DateTimeOffset At, string Actor, Guid? TenantId, string Action, string Target, string Summary);
