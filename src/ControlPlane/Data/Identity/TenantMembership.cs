using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Identity;

/// <summary>A user's role in one tenant. A user has at most one membership per tenant.</summary>
internal sealed class TenantMembership
{
    public Guid UserId { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>One of <see cref="Roles.TenantRoles"/>.</summary>
    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class TenantMembershipConfiguration : IEntityTypeConfiguration<TenantMembership>
{
    public void Configure(EntityTypeBuilder<TenantMembership> e)
    {
        e.HasKey(m => new { m.TenantId, m.UserId });
        e.HasIndex(m => m.UserId);
        e.Property(m => m.Role).HasMaxLength(20);
        e.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
