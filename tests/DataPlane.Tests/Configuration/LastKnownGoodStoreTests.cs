using System.Security.Cryptography;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Tests.Configuration;

public sealed class LastKnownGoodStoreTests
{
    [Fact]
    public void EncryptThenDecrypt_WithTheNodeKey_GivesTheSnapshotBack()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (snapshot, _) = SnapshotFactory.Create(revision: 42);

        var restored = LastKnownGoodStore.Decrypt(LastKnownGoodStore.Encrypt(snapshot, key), key);

        Assert.Equal(42, restored.Revision);
        Assert.Equal(snapshot.Keys.Select(k => k.Hash), restored.Keys.Select(k => k.Hash));
        Assert.Equal(snapshot.Routes.Select(r => r.BaseUrl), restored.Routes.Select(r => r.BaseUrl));
    }

    [Fact]
    public void Decrypt_WrongKeyOrTamperedFile_Fails()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var data = LastKnownGoodStore.Encrypt(SnapshotFactory.Create(revision: 1).Snapshot, key);

        Assert.ThrowsAny<CryptographicException>(() => LastKnownGoodStore.Decrypt(data, RandomNumberGenerator.GetBytes(32)));
        data[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => LastKnownGoodStore.Decrypt(data, key));
        Assert.Throws<InvalidDataException>(() => LastKnownGoodStore.Decrypt([1, 2, 3], key));
    }
}
