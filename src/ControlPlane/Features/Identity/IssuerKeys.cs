using System.Collections.Concurrent;
using System.Security.Cryptography;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// The platform issuer's keys, loaded into OpenIddict: generated once, stored protected by Data Protection (whose key
/// ring is encrypted under the master key), the same on every replica and after every restart. The signing keys
/// roll over: the next key is published for <see cref="PlatformIdentityOptions.SigningKeyPublishLead"/> before it
/// signs, and the previous one stays published until the last token it signed has expired. When the set changes,
/// <see cref="Changed"/> makes OpenIddict rebuild its options, so the change needs no restart.
/// </summary>
internal sealed partial class IssuerKeys(
    IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time, IOptions<PlatformIdentityOptions> settings, ILogger<IssuerKeys> logger)
    : IConfigureOptions<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddictValidationOptions>
{
    internal const string Purpose = "InferenceGateway.ControlPlane.IssuerKeys";
    private readonly ConcurrentDictionary<string, (string N, string E)> _publicKeys = new(StringComparer.Ordinal);
    private CancellationTokenSource _changes = new();

    public string? Name => Options.DefaultName;

    /// <summary>The kids loaded last, current signer first; compared to see whether a reload is due.</summary>
    public string LoadedSet { get; private set; } = string.Empty;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changes.Token);

    public void Changed()
    {
        var previous = Interlocked.Exchange(ref _changes, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    public void Configure(OpenIddictServerOptions options)
    {
        var protector = protection.CreateProtector(Purpose);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var now = time.GetUtcNow();
        foreach (var use in new[] { SigningKeyUse.Signing, SigningKeyUse.Encryption })
        {
            if (!db.SigningKeys.Any(k => k.Use == use))
            {
                db.SigningKeys.Add(Generate(use, protector, now, now));
                db.SaveChanges();
                LogGenerated(logger, use);
            }
        }

        var stored = db.SigningKeys.ToList();
        var signing = Published(stored, now);
        if (settings.Value.SigningKeyFile is { Length: > 0 } file)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(file));
            var key = new RsaSecurityKey(rsa);
            key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
            options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        }

        // OpenIddict signs with the first signing credential: the current key comes first.
        foreach (var k in signing)
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(k.ProtectedKey)), out _);
            options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = k.KeyId }, SecurityAlgorithms.RsaSha256));
        }

        foreach (var k in stored.Where(k => k.Use == SigningKeyUse.Encryption).OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId))
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(protector.Unprotect(Convert.FromBase64String(k.ProtectedKey))) { KeyId = k.KeyId },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }

        LoadedSet = SetOf(signing);
    }

    /// <summary>The published signing keys at <paramref name="now"/>, the one that signs first.</summary>
    public static List<SigningKey> Published(IEnumerable<SigningKey> stored, DateTimeOffset now)
    {
        var published = stored.Where(k => k.Use == SigningKeyUse.Signing && (k.RetiresAt is null || k.RetiresAt > now)).ToList();
        var current = published.Where(k => k.ActivatesAt <= now).OrderByDescending(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).FirstOrDefault()
            ?? published.OrderBy(k => k.ActivatesAt).FirstOrDefault();
        return current is null ? [] : [current, .. published.Where(k => k != current).OrderBy(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The issuer as nodes validate it: every stored signing key's public half (the next one before it signs, the
    /// previous one until it retires) and the configured signing-key file's. Null without a configured issuer URL,
    /// since nodes could not check <c>iss</c> against a URL derived from each request.
    /// </summary>
    public PlatformIssuerSnapshot? Snapshot(IEnumerable<SigningKey> stored)
    {
        if (settings.Value.Issuer is not { Length: > 0 } issuer)
        {
            return null;
        }

        var keys = new List<IssuerKeySnapshot>();
        foreach (var k in stored.Where(k => k.Use == SigningKeyUse.Signing))
        {
            var (n, e) = _publicKeys.GetOrAdd(k.KeyId, static (kid, state) =>
            {
                using var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(state.Protector.Unprotect(Convert.FromBase64String(state.Key.ProtectedKey)), out _);
                return PublicPart(rsa);
            }, (Protector: protection.CreateProtector(Purpose), Key: k));
            keys.Add(new IssuerKeySnapshot
            {
                KeyId = k.KeyId, N = n, E = e,
                ActivatesAt = SnapshotMapper.Instant(k.ActivatesAt),
                RetiresAt = k.RetiresAt is { } retires ? SnapshotMapper.Instant(retires) : null,
            });
        }

        if (settings.Value.SigningKeyFile is { Length: > 0 } file)
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(file));
            var (n, e) = PublicPart(rsa);
            keys.Add(new IssuerKeySnapshot { KeyId = Base64UrlEncoder.Encode(new RsaSecurityKey(rsa).ComputeJwkThumbprint()), N = n, E = e, ActivatesAt = DateTimeOffset.UnixEpoch });
        }

        return new PlatformIssuerSnapshot
        {
            Issuer = new Uri(issuer).AbsoluteUri,
            Audience = PlatformTokens.Audience,
            Keys = [.. keys.OrderBy(k => k.KeyId, StringComparer.Ordinal)],
        };
    }

    private static (string N, string E) PublicPart(RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return (Base64UrlEncoder.Encode(parameters.Modulus!), Base64UrlEncoder.Encode(parameters.Exponent!));
    }

    public static string SetOf(IEnumerable<SigningKey> signing) => string.Join(',', signing.Select(k => k.KeyId));

    public SigningKey Generate(SigningKeyUse use, DateTimeOffset now, DateTimeOffset activatesAt) =>
        Generate(use, protection.CreateProtector(Purpose), now, activatesAt);

    private static SigningKey Generate(SigningKeyUse use, IDataProtector protector, DateTimeOffset now, DateTimeOffset activatesAt)
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
            CreatedAt = now,
            ActivatesAt = activatesAt,
        };
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Generated the platform issuer's {Use} key and stored it encrypted")]
    private static partial void LogGenerated(ILogger logger, SigningKeyUse use);
}
