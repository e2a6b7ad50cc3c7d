namespace InferenceGateway.ControlPlane.Data;

/// <summary>A tenant's own ("bring your own") model server, reachable as <c>/t/{tenant}/{model}/...</c>.</summary>
internal sealed class ModelEndpoint
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>Unique per tenant; the second segment of gateway URLs.</summary>
    public required string Model { get; set; }

    /// <summary>Canonical form, validated against SSRF at registration.</summary>
    public required string BaseUrl { get; set; }

    public string? UpstreamHeaderName { get; set; }

    /// <summary>The upstream credential, encrypted with ASP.NET Core Data Protection.</summary>
    public string? ProtectedUpstreamCredential { get; set; }

    public int TimeoutSeconds { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Methods the endpoint accepts; null means the default set.</summary>
    public List<string>? AllowedMethods { get; set; }

    /// <summary>Opt-in: the node adds <c>X-Forwarded-For</c> with the client address it saw.</summary>
    public bool ForwardClientAddress { get; set; }

    /// <summary>Cap on a streamed response's duration; null means the default.</summary>
    public int? StreamMaxDurationSeconds { get; set; }

    /// <summary>Cap on a streamed response's silence between events; null means the default.</summary>
    public int? StreamMaxIdleSeconds { get; set; }

    /// <summary>The image rules as JSON (<c>ImageRulesSnapshot</c>), or null when the endpoint declares no images.</summary>
    public string? ImageRules { get; set; }

    /// <summary>The output hardening as JSON (<c>OutputHardeningSnapshot</c>), or null for none.</summary>
    public string? OutputHardening { get; set; }

    /// <summary>Output ceiling in tokens for a spend budget's worst case (requests without <c>max_tokens</c>); null means the default.</summary>
    public int? MaxOutputTokens { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
