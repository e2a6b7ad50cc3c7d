using InferenceGateway.DataPlane.Authentication;

namespace InferenceGateway.DataPlane.Tests.Authentication;

/// <summary>How the authentication step tells a JWT from an API key.</summary>
public sealed class JwtFormTests
{
    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", true)]
    [InlineData("a.b.c", true)]
    [InlineData("a-_.b_-.c-_", true)]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", true)] // unsigned: still a token, refused by the validator
    [InlineData("igw_live_abcdefghijklmnopqrstuvwxyz012345", false)]
    [InlineData("", false)]
    [InlineData("a.b", false)]
    [InlineData("a.b.c.d", false)]
    [InlineData(".b.c", false)]
    [InlineData("a..c", false)]
    [InlineData("a.b.c=", false)]
    [InlineData("a.b+.c", false)]
    [InlineData("a.b/.c", false)]
    [InlineData("a.b.c ", false)]
    [InlineData("a.é.c", false)]
    public void Matches_ThreeBase64UrlSegments_TheFirstTwoNonEmpty(string credential, bool expected)
    {
        Assert.Equal(expected, JwtForm.Matches(credential));
    }

    [Fact]
    public void Matches_ALongToken_AndRefusesOneBadCharacterAnywhere()
    {
        var token = new string('a', 300) + "." + new string('B', 300) + "." + new string('-', 300);
        Assert.True(JwtForm.Matches(token));
        for (var i = 0; i < token.Length; i += 37)
        {
            var bad = string.Concat(token.AsSpan(0, i), "!", token.AsSpan(i + 1));
            Assert.False(JwtForm.Matches(bad));
        }
    }
}
