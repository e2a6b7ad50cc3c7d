using System.Text.Json.Serialization;

namespace InferenceGateway.Contracts.Snapshots;

public sealed record TenantSnapshot
{
    public required Guid TenantId { get; init; }

    /// <summary>The tenant's slug as it appears in gateway URLs (<c>/t/{slug}/...</c>).</summary>
    public required string Slug { get; init; }

    public required TenantState Status { get; init; }

    public required Guid PlanId { get; init; }

    /// <summary>Consumption of the plan's monthly quotas as last pushed; null before the tenant used any quota.</summary>
    public TenantQuotaUsage? QuotaUsage { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<TenantState>))]
public enum TenantState
{
    Active,
    Suspended,
}
