using System.Text.Json;
using InferenceGateway.Contracts.Snapshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Identity;

/// <summary>A tenant's own identity provider whose access tokens nodes accept for the tenant, with how its claim maps to models and plans.</summary>
internal sealed class ExternalIssuer
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string Issuer { get; set; }

    public required string JwksUrl { get; set; }

    public required string Audience { get; set; }

    public required string ClaimName { get; set; }

    /// <summary>The claim-value mappings, as JSON (a list of <see cref="ClaimMappingSnapshot"/>).</summary>
    public required string MappingsJson { get; set; }

    /// <summary>The accepted header <c>typ</c> values, space-separated canonical spellings (<c>at+jwt</c>, <c>JWT</c>).</summary>
    public string AcceptedTokenTypes { get; set; } = ExternalTokenTypes.AccessToken;

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<ClaimMappingSnapshot> Mappings
    {
        get => JsonSerializer.Deserialize<List<ClaimMappingSnapshot>>(MappingsJson, Contracts.ContractJson.Options) ?? [];
        set => MappingsJson = JsonSerializer.Serialize(value, Contracts.ContractJson.Options);
    }
}

internal sealed class ExternalIssuerConfiguration : IEntityTypeConfiguration<ExternalIssuer>
{
    public void Configure(EntityTypeBuilder<ExternalIssuer> e)
    {
        e.HasIndex(i => new { i.TenantId, i.Issuer }).IsUnique();
        e.Property(i => i.Name).HasMaxLength(100);
        e.Property(i => i.Issuer).HasMaxLength(500);
        e.Property(i => i.JwksUrl).HasMaxLength(2000);
        e.Property(i => i.Audience).HasMaxLength(500);
        e.Property(i => i.ClaimName).HasMaxLength(100);
        e.Property(i => i.CreatedBy).HasMaxLength(200);

        // Issuers registered before the setting existed stay strict.
        e.Property(i => i.AcceptedTokenTypes).HasMaxLength(50).HasDefaultValue(ExternalTokenTypes.AccessToken);
        e.Ignore(i => i.Mappings);
        e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
