using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Identity;

/// <summary>
/// A tenant's machine credential for the client credentials grant. The secret lives (hashed) in the OpenIddict
/// application with the same client id; this row holds what the gateway needs: the tenant, the models, the admin
/// right and the revocation.
/// </summary>
internal sealed class OAuthClient
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The OAuth <c>client_id</c>, also the <c>sub</c> of its tokens.</summary>
    public required string ClientId { get; set; }

    public required string Name { get; set; }

    /// <summary>The models the client may call; each becomes a <c>model:&lt;name&gt;</c> scope.</summary>
    public List<string> AllowedModels { get; set; } = [];

    /// <summary>Whether the client may also call the tenant's admin API (scope <c>admin</c>), as a tenant admin.</summary>
    public bool Admin { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SecretRotatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class OAuthClientConfiguration : IEntityTypeConfiguration<OAuthClient>
{
    public void Configure(EntityTypeBuilder<OAuthClient> e)
    {
        e.HasIndex(c => c.ClientId).IsUnique();
        e.HasIndex(c => new { c.TenantId, c.CreatedAt });
        e.Property(c => c.ClientId).HasMaxLength(64);
        e.Property(c => c.Name).HasMaxLength(200);
        e.Property(c => c.CreatedBy).HasMaxLength(200);
        e.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
