namespace InferenceGateway.Contracts;

/// <summary>A key a node served since its previous heartbeat, and when it last did.</summary>
public sealed record KeyUse
{
    public required Guid KeyId { get; init; }

    public required DateTimeOffset LastUsedAt { get; init; }
}
