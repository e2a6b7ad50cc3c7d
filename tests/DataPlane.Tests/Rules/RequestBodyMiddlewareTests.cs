using System.Text;
using InferenceGateway.DataPlane.Authentication;
using InferenceGateway.DataPlane.Rules;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.DataPlane.Tests.Rules;

public sealed class RequestBodyMiddlewareTests
{
    private static readonly string Key = ApiKeyText.Create(ApiKeyText.NewPublicId());

    [Theory]
    [InlineData("{\"api_key\":\"{KEY}\"}")]
    [InlineData("{KEY}")]
    [InlineData("prefix igw_igw_{KEY} suffix")]
    [InlineData("{\"messages\":[{\"content\":\"my key is {KEY}, keep it\"}]}")]
    public void ContainsApiKey_BodyWithAKey_IsFound(string template) =>
        Assert.True(RequestBodyMiddleware.ContainsApiKey(Encoding.UTF8.GetBytes(template.Replace("{KEY}", Key))));

    [Theory]
    [InlineData("")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")]
    [InlineData("igw_ mentioned but no key")]
    [InlineData("{CUT}")]
    [InlineData("{BROKEN}")]
    public void ContainsApiKey_BodyWithoutAValidKey_IsNotFlagged(string template)
    {
        var body = template.Replace("{CUT}", Key[..40]).Replace("{BROKEN}", Key[..^1] + (Key[^1] == 'a' ? 'b' : 'a'));
        Assert.False(RequestBodyMiddleware.ContainsApiKey(Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("?api_key=x", true)]
    [InlineData("?foo=1&APIKEY=x", true)]
    [InlineData("?key=abc", true)]
    [InlineData("?access_token=abc", true)]
    [InlineData("?q=igw_anything", true)]
    [InlineData("?q=IGW%5Fanything", true)]
    [InlineData("", false)]
    [InlineData("?", false)]
    [InlineData("?stream=true&model=chat", false)]
    [InlineData("?keyword=cats", false)]
    public void QueryCarriesKey_RecognisesKeysInTheQueryString(string query, bool expected) =>
        Assert.Equal(expected, AuthenticationMiddleware.QueryCarriesKey(query));
}
