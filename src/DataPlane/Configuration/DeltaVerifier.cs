using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Checks that a delta from the bus was signed by the control plane: ECDSA P-256 over the exact payload bytes,
/// with a key the node trusts (the keys pinned in <c>DataPlane:ConfigSigningKeys</c> when any are, otherwise those
/// of the snapshot it holds, which came over the authenticated API). A broker account is not enough to change what
/// a node serves.
/// </summary>
internal sealed class DeltaVerifier(IOptions<DataPlaneOptions> options, NodeConfig config)
{
    private readonly IReadOnlyDictionary<string, byte[]> _pinned = options.Value.PinnedSigningKeys();

    /// <summary>The verified delta, or null with the reason it was refused.</summary>
    public ConfigDelta? Verify(ConfigRevisionPublished message, out string reason)
    {
        reason = string.Empty;
        if (message.Payload is not { Length: > 0 } payload || message.Signature is not { Length: > 0 } signature || message.SigningKeyId is not { } keyId)
        {
            reason = "unsigned";
            return null;
        }

        if (TrustedKey(keyId) is not { } publicKey)
        {
            reason = $"signed with an unknown key ({(keyId.Length > 16 ? keyId[..16] : keyId)})";
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(payload);
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(publicKey, out _);
            if (!key.VerifyData(bytes, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                reason = "bad signature";
                return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            reason = "bad signature";
            return null;
        }

        ConfigDelta? delta;
        try
        {
            delta = JsonSerializer.Deserialize<ConfigDelta>(bytes, ContractJson.Options);
        }
        catch (JsonException)
        {
            delta = null;
        }

        // The envelope is not signed; only the payload says what applies. They must agree, or the message is odd.
        if (delta is null || delta.Revision != message.Revision || delta.Epoch != message.Epoch || delta.FromRevision != delta.Revision - 1)
        {
            reason = "the signed payload does not match the message";
            return null;
        }

        return delta;
    }

    private byte[]? TrustedKey(string keyId)
    {
        if (_pinned.Count > 0)
        {
            return _pinned.GetValueOrDefault(keyId);
        }

        foreach (var key in config.Current?.Source.SigningKeys ?? [])
        {
            if (key.KeyId == keyId)
            {
                try
                {
                    return Convert.FromBase64String(key.PublicKey);
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }
}
