using Microsoft.IdentityModel.JsonWebTokens;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// Tells an id token from an access token when the header cannot (<c>typ: JWT</c> is used for both by Auth0, Okta,
/// Cognito and Entra ID). A <c>typ: JWT</c> token is taken for an id token, and refused, when it carries an OpenID
/// Connect id-token claim (<c>nonce</c>, <c>at_hash</c>, <c>c_hash</c>), a Cognito <c>token_use</c> other than
/// <c>access</c>, or an audience equal to its own client (<c>azp</c> or <c>client_id</c>): an id token is issued to
/// the client, an access token to the API.
/// </summary>
internal static class ExternalTokenShape
{
    public static bool LooksLikeIdToken(JsonWebToken jwt)
    {
        if (jwt.TryGetPayloadValue<object>("nonce", out _) || jwt.TryGetPayloadValue<object>("at_hash", out _) || jwt.TryGetPayloadValue<object>("c_hash", out _))
        {
            return true;
        }

        if (jwt.TryGetPayloadValue<object>("token_use", out _) && !(jwt.TryGetPayloadValue<string>("token_use", out var use) && use == "access"))
        {
            return true;
        }

        foreach (var client in new[] { "azp", "client_id" })
        {
            if (jwt.TryGetPayloadValue<string>(client, out var id) && id is { Length: > 0 } && jwt.Audiences.Contains(id, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
