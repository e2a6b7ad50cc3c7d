using System.Security.Cryptography;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Tests.Distribution;

/// <summary>Where the delta-signing key comes from: configuration, or generated once and kept (encrypted) in the database.</summary>
public sealed class SigningKeyTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task GeneratedKey_IsStoredEncrypted_AndTheSameAfterARestart()
    {
        var keyId = app.Services.GetRequiredService<ConfigSigner>().KeyId;
        var stored = await app.WithDbAsync(db => Task.FromResult(db.ConfigSigningKeys.Single()));

        using var restarted = app.WithWebHostBuilder(_ => { });

        Assert.Equal(keyId, stored.KeyId);
        Assert.Equal(keyId, restarted.Services.GetRequiredService<ConfigSigner>().KeyId);
        Assert.DoesNotContain("PRIVATE", stored.ProtectedPrivateKey, StringComparison.Ordinal);

        // Data Protection output, not the key's own bytes: importing it as a key fails.
        using var probe = ECDsa.Create();
        Assert.ThrowsAny<Exception>(() => probe.ImportPkcs8PrivateKey(Convert.FromBase64String(stored.ProtectedPrivateKey), out _));
    }

    [Fact]
    public void ConfiguredKey_IsTheOneNodesAreGiven()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var configured = app.WithWebHostBuilder(b => b.UseSetting("ControlPlane:ConfigSigning:PrivateKey", key.ExportPkcs8PrivateKeyPem()));

        var signer = configured.Services.GetRequiredService<ConfigSigner>();

        Assert.Equal(ConfigSigner.KeyIdOf(key), signer.KeyId);
        Assert.Equal(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), Assert.Single(signer.PublicKeys).PublicKey);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----")]
    public void InvalidConfiguredKey_StopsTheStartAndNamesThePath(string value)
    {
        using var configured = app.WithWebHostBuilder(b => b.UseSetting("ControlPlane:ConfigSigning:PrivateKey", value));

        var error = Assert.ThrowsAny<OptionsValidationException>(() => configured.Services.GetRequiredService<ConfigSigner>());

        Assert.Contains("ControlPlane:ConfigSigning:PrivateKey", error.Message);
    }
}
