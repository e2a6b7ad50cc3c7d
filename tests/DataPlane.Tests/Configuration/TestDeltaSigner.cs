using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>Signs bus deltas as the control plane does (ECDSA P-256 over the payload bytes), with a key of its own.</summary>
internal sealed class TestDeltaSigner : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestDeltaSigner()
    {
        var spki = _key.ExportSubjectPublicKeyInfo();
        PublicKey = new SigningKeySnapshot { KeyId = Convert.ToHexStringLower(SHA256.HashData(spki))[..16], PublicKey = Convert.ToBase64String(spki) };
    }

    public SigningKeySnapshot PublicKey { get; }

    public ConfigRevisionPublished Delta(Guid epoch, long revision, IReadOnlyList<ConfigChange> changes)
    {
        var payload = JsonSerializer.Serialize(new ConfigDelta { Epoch = epoch, Revision = revision, FromRevision = revision - 1, Changes = changes }, ContractJson.Options);
        return new ConfigRevisionPublished
        {
            MessageId = Guid.NewGuid(),
            Revision = revision,
            Epoch = epoch,
            ChangedAt = DateTimeOffset.UtcNow,
            Kind = ConfigChangeKind.Delta,
            Payload = payload,
            Signature = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            SigningKeyId = PublicKey.KeyId,
        };
    }

    public void Dispose() => _key.Dispose();
}
