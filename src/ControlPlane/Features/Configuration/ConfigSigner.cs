using System.Security.Cryptography;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>The key the control plane signs bus deltas with; without one, a key is generated once and kept in the database.</summary>
internal sealed class ConfigSigningOptions
{
    public const string Section = "ControlPlane:ConfigSigning";

    /// <summary>An ECDSA P-256 private key in PEM (PKCS#8 or SEC1). Optional.</summary>
    public string? PrivateKey { get; set; }
}

internal sealed class ConfigSigningOptionsValidator : IValidateOptions<ConfigSigningOptions>
{
    public ValidateOptionsResult Validate(string? name, ConfigSigningOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PrivateKey))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            using var key = ConfigSigner.ImportPem(options.PrivateKey);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return ValidateOptionsResult.Fail($"{ConfigSigningOptions.Section}:PrivateKey is not an ECDSA P-256 private key in PEM form.");
        }
    }
}

/// <summary>
/// Signs every bus delta with ECDSA P-256 (SHA-256). Only the control plane holds the private key: from
/// <c>ControlPlane:ConfigSigning:PrivateKey</c>, or generated at the first start and stored encrypted with Data
/// Protection (whose key ring is encrypted under the master key), so every replica signs with the same key. Nodes get
/// the public key in every snapshot (over the authenticated API) and may pin it in their configuration.
/// </summary>
internal sealed partial class ConfigSigner(
    IOptions<ConfigSigningOptions> options, IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time, ILogger<ConfigSigner> logger)
    : IHostedService, IDisposable
{
    private const string Purpose = "InferenceGateway.ConfigSigningKey.v1";
    private ECDsa? _key;

    public string KeyId { get; private set; } = string.Empty;

    public IReadOnlyList<SigningKeySnapshot> PublicKeys { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PrivateKey is { Length: > 0 } pem)
        {
            Use(ImportPem(pem), "configuration");
            return;
        }

        var protector = protection.CreateProtector(Purpose);
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            var stored = await db.ConfigSigningKeys.FirstOrDefaultAsync(k => k.Id == ConfigSigningKey.SingletonId, cancellationToken);
            if (stored is not null && TryUnprotect(protector, stored) is { } key)
            {
                Use(key, "database");
                return;
            }

            // No key yet, or one that the data-protection keys (and so the master key) can no longer decrypt: a new
            // key replaces it. Nodes learn it from their next snapshot (they pull when a delta names an unknown key);
            // nodes that pin the old key refuse deltas until their pin is updated.
            var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            if (stored is not null)
            {
                LogReplaced(logger, stored.KeyId);
            }
            else
            {
                stored = new ConfigSigningKey { Id = ConfigSigningKey.SingletonId, KeyId = string.Empty, ProtectedPrivateKey = string.Empty };
                db.ConfigSigningKeys.Add(stored);
            }

            stored.KeyId = KeyIdOf(generated);
            stored.ProtectedPrivateKey = protector.Protect(Convert.ToBase64String(generated.ExportPkcs8PrivateKey()));
            stored.CreatedAt = time.GetUtcNow();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                Use(generated, "generated");
                return;
            }
            catch (DbUpdateException ex) when (ProblemExceptionHandler.IsUniqueViolation(ex) && attempt == 0)
            {
                // Another replica generated one at the same moment: use that.
                generated.Dispose();
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The signature (IEEE P1363, base64) of <paramref name="data"/>.</summary>
    public string Sign(byte[] data)
    {
        var key = _key ?? throw new InvalidOperationException("The configuration signing key is not loaded yet.");
        return Convert.ToBase64String(key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public void Dispose() => _key?.Dispose();

    public static ECDsa ImportPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.ExportParameters(false).Curve.Oid.Value != "1.2.840.10045.3.1.7")
            {
                throw new CryptographicException("not a P-256 key");
            }

            // A public key alone cannot sign.
            key.ExportParameters(true);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static ECDsa? TryUnprotect(IDataProtector protector, ConfigSigningKey stored)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(stored.ProtectedPrivateKey)), out _);
            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            key.Dispose();
            return null;
        }
    }

    public static string KeyIdOf(ECDsa key) => KeyIdOf(key.ExportSubjectPublicKeyInfo());

    public static string KeyIdOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    private void Use(ECDsa key, string source)
    {
        _key = key;
        var spki = key.ExportSubjectPublicKeyInfo();
        KeyId = KeyIdOf(spki);
        PublicKeys = [new SigningKeySnapshot { KeyId = KeyId, PublicKey = Convert.ToBase64String(spki) }];
        LogLoaded(logger, KeyId, source);
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Critical,
        Message = "The stored configuration signing key {KeyId} cannot be decrypted (was the master key changed?); a new key replaces it, and nodes that pin the old one refuse deltas until their pin is updated")]
    private static partial void LogReplaced(ILogger logger, string keyId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Signing configuration deltas with key {KeyId} ({Source})")]
    private static partial void LogLoaded(ILogger logger, string keyId, string source);
}
