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

    /// <summary>The image rules as JSON (<c>ImageRulesSnapshot</c>), or null when the endpoint declares no images.</summary>
    public string? ImageRules { get; set; }

    /// <summary>The output hardening as JSON (<c>OutputHardeningSnapshot</c>), or null for none.</summary>
    public string? OutputHardening { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
