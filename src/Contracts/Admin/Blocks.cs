namespace InferenceGateway.Contracts.Admin;

/// <summary>A block of a key, a client network or a tenant (<c>target</c>: key, ip, tenant) for a while.</summary>
public sealed record CreateBlockRequest(string? Target, string? Value, int? DurationSeconds, string? Reason);

public sealed record BlockResponse(Guid Id, string Target, string Value, Guid? TenantId, string Reason, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LiftedAt, string CreatedBy);
