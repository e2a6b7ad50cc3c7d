using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>Section <c>ControlPlane:DataProtection</c>.</summary>
internal sealed class MasterKeyOptions
{
    public const string Section = "ControlPlane:DataProtection";

    /// <summary>
    /// Base64 of 32 random bytes: encrypts the Data Protection key ring (kept in the database), so a copy of the
    /// database alone does not reveal upstream credentials. Every control-plane replica needs the same value.
    /// </summary>
    public string? MasterKey { get; set; }

    public byte[] MasterKeyBytes() => Convert.FromBase64String(MasterKey!);

    public static bool IsValid(string? value)
    {
        try
        {
            return value is not null && Convert.FromBase64String(value).Length == 32;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Encrypts each Data Protection key with AES-256-GCM under the configured master key before it is stored.</summary>
internal sealed class MasterKeyXmlEncryptor(byte[] masterKey) : IXmlEncryptor
{
    public static readonly XNamespace Namespace = "urn:inference-gateway:data-protection";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[12 + 16 + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(masterKey, 16);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        var element = new XElement(Namespace + "encryptedKey", new XAttribute("algorithm", "AES-256-GCM"), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Decrypts what <see cref="MasterKeyXmlEncryptor"/> wrote. Data Protection creates it with the service provider.</summary>
internal sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var options = services.GetRequiredService<IOptions<MasterKeyOptions>>().Value;
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[sealedBytes.Length - 28];
        using var aes = new AesGcm(options.MasterKeyBytes(), 16);
        aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plaintext);
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}
