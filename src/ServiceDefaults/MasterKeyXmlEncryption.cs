using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ServiceDefaults;

/// <summary>The master key of a service's Data Protection key ring (its section is the service's own).</summary>
public sealed class MasterKeyOptions
{
    /// <summary>
    /// Base64 of 32 random bytes: encrypts the Data Protection key ring where it is stored (a database, a
    /// volume), so a copy of that storage alone does not reveal what the keys protect. Replicas share the value.
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

public static class MasterKeyProtection
{
    /// <summary>Binds <see cref="MasterKeyOptions"/> from <paramref name="section"/> and encrypts the key ring with it when it is set.</summary>
    public static IServiceCollection ProtectKeyRingWithMasterKey(this IServiceCollection services, string section)
    {
        services.AddOptions<MasterKeyOptions>().BindConfiguration(section);
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<MasterKeyOptions>>((keys, master) =>
        {
            if (MasterKeyOptions.IsValid(master.Value.MasterKey))
            {
                keys.XmlEncryptor = new MasterKeyXmlEncryptor(master.Value.MasterKeyBytes());
            }
        });
        return services;
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
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
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

/// <summary>Requires a master key (outside Development): without it the key ring sits in clear next to what it protects.</summary>
public sealed class MasterKeyValidator(string section, bool development) : IValidateOptions<MasterKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, MasterKeyOptions options) =>
        options.MasterKey is null && development ? ValidateOptionsResult.Success
        : MasterKeyOptions.IsValid(options.MasterKey) ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail($"{section}:MasterKey is required: base64 of 32 random bytes (for example `openssl rand -base64 32`), the same on every replica.");
}
