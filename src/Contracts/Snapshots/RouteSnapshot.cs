namespace InferenceGateway.Contracts.Snapshots;

/// <summary>(tenant, model) to that tenant's own model endpoint. No other kind of route exists.</summary>
public sealed record RouteSnapshot
{
    public required Guid TenantId { get; init; }

    public required string TenantSlug { get; init; }

    public required string Model { get; init; }

    public required Guid EndpointId { get; init; }

    /// <summary>Canonical base URL, validated at registration; requests go to this URL plus the rest of the path.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>Header the gateway adds for the upstream (for example <c>Authorization</c>), when the endpoint has a credential.</summary>
    public string? UpstreamHeaderName { get; init; }

    public string? UpstreamHeaderValue { get; init; }

    public required int TimeoutSeconds { get; init; }

    /// <summary>Methods the endpoint accepts; null means the default set (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS).</summary>
    public IReadOnlyList<string>? AllowedMethods { get; init; }

    /// <summary>Whether the node adds <c>X-Forwarded-For</c> with the client address it saw.</summary>
    public bool ForwardClientAddress { get; init; }

    /// <summary>Longest a streamed (SSE) response may last; null means no cap (older control planes).</summary>
    public int? StreamMaxDurationSeconds { get; init; }

    /// <summary>Longest a streamed (SSE) response may stay silent; null means the endpoint timeout alone.</summary>
    public int? StreamMaxIdleSeconds { get; init; }

    /// <summary>The images this endpoint takes; null when it declares none (bodies are then not inspected as images).</summary>
    public ImageRulesSnapshot? ImageRules { get; init; }

    /// <summary>How its JSON responses are rewritten; null to pass them as they are.</summary>
    public OutputHardeningSnapshot? OutputHardening { get; init; }

    /// <summary>The model's output ceiling in tokens for a budget's worst case when a request sets no <c>max_tokens</c>; null means the node's default (4096).</summary>
    public int? MaxOutputTokens { get; init; }
}
