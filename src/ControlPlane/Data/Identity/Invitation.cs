using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Identity;

/// <summary>
/// An invitation to join a tenant with a role. The link token is shown once to whoever invites; only its SHA-256
/// digest is stored, so a database reader cannot accept an invitation.
/// </summary>
internal sealed class Invitation
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Email { get; set; }

    public required string Role { get; set; }

    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> e)
    {
        e.HasIndex(i => i.TokenHash).IsUnique();
        e.HasIndex(i => new { i.TenantId, i.CreatedAt });
        e.Property(i => i.Email).HasMaxLength(256);
        e.Property(i => i.Role).HasMaxLength(20);
        e.Property(i => i.TokenHash).HasMaxLength(32);
        e.Property(i => i.CreatedBy).HasMaxLength(200);
        e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
