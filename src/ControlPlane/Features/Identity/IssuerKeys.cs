using System.Security.Cryptography;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// The platform issuer's keys: generated once, stored protected by Data Protection (whose key ring is encrypted under
/// the master key), and the same on every control-plane replica and after every restart, so tokens outlive a deploy.
/// </summary>
internal sealed partial class IssuerKeys(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time, ILogger<IssuerKeys> logger)
    : IConfigureOptions<OpenIddictServerOptions>
{
    private const string Purpose = "InferenceGateway.ControlPlane.IssuerKeys";

    public void Configure(OpenIddictServerOptions options)
    {
        var protector = protection.CreateProtector(Purpose);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        foreach (var use in new[] { SigningKeyUse.Signing, SigningKeyUse.Encryption })
        {
            if (!db.SigningKeys.Any(k => k.Use == use))
            {
                db.SigningKeys.Add(Generate(use, protector));
                db.SaveChanges();
                LogGenerated(logger, use);
            }
        }

        // Oldest first: every replica signs with the same key, and a key generated concurrently by another replica
        // is still published, so its tokens validate everywhere.
        foreach (var stored in db.SigningKeys.OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId).ToList())
        {
            var material = protector.Unprotect(Convert.FromBase64String(stored.ProtectedKey));
            if (stored.Use == SigningKeyUse.Signing)
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(material, out _);
                options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = stored.KeyId }, SecurityAlgorithms.RsaSha256));
            }
            else
            {
                options.EncryptionCredentials.Add(new EncryptingCredentials(
                    new SymmetricSecurityKey(material) { KeyId = stored.KeyId }, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            }
        }
    }

    private SigningKey Generate(SigningKeyUse use, IDataProtector protector)
    {
        byte[] material;
        if (use == SigningKeyUse.Signing)
        {
            using var rsa = RSA.Create(2048);
            material = rsa.ExportPkcs8PrivateKey();
        }
        else
        {
            material = RandomNumberGenerator.GetBytes(32);
        }

        return new SigningKey
        {
            Id = Guid.CreateVersion7(),
            KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            Use = use,
            ProtectedKey = Convert.ToBase64String(protector.Protect(material)),
            CreatedAt = time.GetUtcNow(),
        };
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Generated the platform issuer's {Use} key and stored it encrypted")]
    private static partial void LogGenerated(ILogger logger, SigningKeyUse use);
}
