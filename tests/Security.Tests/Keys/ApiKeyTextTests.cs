using InferenceGateway.Security.Keys;

namespace InferenceGateway.Security.Tests.Keys;

public sealed class ApiKeyTextTests
{
    [Fact]
    public void Create_ProducesAWellFormedKeyWithItsPublicId()
    {
        var id = ApiKeyText.NewPublicId();
        var key = ApiKeyText.Create(id);

        Assert.Equal(ApiKeyText.Length, key.Length);
        Assert.StartsWith($"igw_{id}_", key);
        Assert.True(ApiKeyText.IsWellFormed(key));
        Assert.Equal(id, ApiKeyText.PublicIdOf(key));
    }

    [Fact]
    public void Create_TwoKeys_DifferInTheirSecrets()
    {
        var id = ApiKeyText.NewPublicId();
        Assert.NotEqual(ApiKeyText.Create(id), ApiKeyText.Create(id));
    }

    [Fact]
    public void IsWellFormed_AnySingleCharacterChanged_IsRejectedByTheChecksum()
    {
        var key = ApiKeyText.Create(ApiKeyText.NewPublicId());
        for (var i = 0; i < key.Length; i++)
        {
            var changed = key[..i] + (key[i] == 'a' ? 'b' : 'a') + key[(i + 1)..];
            Assert.False(ApiKeyText.IsWellFormed(changed), $"position {i}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("igw_")]
    [InlineData("Bearer igw_abc")]
    [InlineData("sk-proj-0123456789")]
    public void IsWellFormed_OtherText_IsRejected(string text) => Assert.False(ApiKeyText.IsWellFormed(text));

    [Fact]
    public void Hash_IsSha256OfTheText()
    {
        var key = ApiKeyText.Create(ApiKeyText.NewPublicId());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), ApiKeyText.Hash(key));
    }
}
