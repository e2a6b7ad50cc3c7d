using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Identity;

internal enum SigningKeyUse
{
    /// <summary>Signs access and identity tokens; its public half is published in the JWKS.</summary>
    Signing,

    /// <summary>Encrypts what only the server reads back (authorization codes, refresh tokens).</summary>
    Encryption,
}

/// <summary>
/// A key of the platform issuer, generated once and stored protected by Data Protection, whose key ring is
/// encrypted under the master key. Never stored in the clear.
/// </summary>
internal sealed class SigningKey
{
    public Guid Id { get; set; }

    /// <summary>The JWT <c>kid</c>.</summary>
    public required string KeyId { get; set; }

    public SigningKeyUse Use { get; set; }

    /// <summary>The private key material (PKCS#8 for RSA, raw bytes for AES), protected with Data Protection.</summary>
    public required string ProtectedKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key starts signing. It is published from creation, so verifiers learn it before its first token.</summary>
    public DateTimeOffset ActivatesAt { get; set; }

    /// <summary>When it stops being published: set once its successor is created, to after the last token it signed expires.</summary>
    public DateTimeOffset? RetiresAt { get; set; }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> e)
    {
        e.HasIndex(k => k.KeyId).IsUnique();

        // Replicas schedule the next key at the same instant; the index lets only one of them create it.
        e.HasIndex(k => new { k.Use, k.ActivatesAt }).IsUnique();
        e.Property(k => k.KeyId).HasMaxLength(64);
        e.Property(k => k.Use).HasConversion<string>().HasMaxLength(20);
        e.Property(k => k.ProtectedKey).HasMaxLength(8000);
    }
}
