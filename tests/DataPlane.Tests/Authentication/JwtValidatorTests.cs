using System.Security.Cryptography;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Authentication;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Forwarding;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Tests.Configuration;
using InferenceGateway.Security.Networking;
using InferenceGateway.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InferenceGateway.DataPlane.Tests.Authentication;

/// <summary>The platform-token validator against node states: retired keys, revoked clients and the token cache.</summary>
public sealed class JwtValidatorTests : IDisposable
{
    private const string Issuer = "https://issuer.test/";
    private static readonly Guid ClientRecord = Guid.Parse("00000000-0000-0000-0000-0000000c0001");
    private readonly RSA _current = RSA.Create(2048);
    private readonly RSA _retired = RSA.Create(2048);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly JwksCache _jwks = new(new UpstreamConnector(new AddressPolicy(), new FakeHostResolver()), Options.Create(new DataPlaneOptions()), NullLogger<JwksCache>.Instance);
    private readonly JwtCache _cache = new();
    private readonly JwtValidator _validator;

    public JwtValidatorTests() => _validator = new JwtValidator(_cache, _jwks);

    public void Dispose()
    {
        _current.Dispose();
        _retired.Dispose();
        _jwks.Dispose();
    }

    private static IssuerKeySnapshot KeyOf(RSA rsa, string kid, DateTimeOffset? retiresAt)
    {
        var p = rsa.ExportParameters(false);
        return new IssuerKeySnapshot { KeyId = kid, N = Base64UrlEncoder.Encode(p.Modulus), E = Base64UrlEncoder.Encode(p.Exponent), ActivatesAt = DateTimeOffset.UnixEpoch, RetiresAt = retiresAt };
    }

    private NodeState State(DateTimeOffset retiredAt, DateTimeOffset? currentRetiresAt = null)
    {
        var (snapshot, _) = SnapshotFactory.Create(1, tenants: 1);
        var tenant = snapshot.Tenants[0].TenantId;
        snapshot = snapshot with
        {
            OAuthClients = [new OAuthClientSnapshot { Id = ClientRecord, TenantId = tenant, ClientId = "igwc_test", AllowedModels = ["chat"] }],
            PlatformIssuer = new PlatformIssuerSnapshot { Issuer = Issuer, Audience = PlatformTokens.Audience, Keys = [KeyOf(_current, "current", currentRetiresAt), KeyOf(_retired, "old", retiredAt)] },
        };
        var errors = new List<string>();
        return NodeStateBuilder.Build(SnapshotFactory.WithHash(snapshot), _now, errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    private string Token(NodeState state, RSA rsa, string kid) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = PlatformTokens.Audience,
        Expires = _now.AddMinutes(10).UtcDateTime,
        NotBefore = _now.AddMinutes(-1).UtcDateTime,
        IssuedAt = _now.AddMinutes(-1).UtcDateTime,
        TokenType = "at+jwt",
        Claims = new Dictionary<string, object> { ["sub"] = "igwc_test", ["tenant"] = state.Source.Tenants[0].TenantId.ToString(), ["scope"] = "model:chat" },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
    });

    private async Task<Caller?> ValidateAsync(string token, NodeState state, DateTimeOffset? at = null) =>
        await _validator.ValidateAsync(token, state, state.FindTenant(state.Source.Tenants[0].Slug), at ?? _now, CancellationToken.None);

    [Fact]
    public async Task TokenOfARetiredKey_IsRefused_AndACachedTokenStopsWhenItsKeyRetires()
    {
        var state = State(retiredAt: _now.AddMinutes(-1), currentRetiresAt: _now.AddMinutes(5));
        Assert.Null(await ValidateAsync(Token(state, _retired, "old"), state));

        var token = Token(state, _current, "current");
        var caller = await ValidateAsync(token, state);
        Assert.NotNull(caller);
        Assert.Equal(CredentialKind.OAuthClient, caller.Kind);
        Assert.Equal("igwc_test", caller.PublicId);
        Assert.Equal(ClientRecord, caller.CredentialId);
        Assert.True(caller.Allows("chat"));
        Assert.False(caller.Allows("embed"));

        // The key retires by time (its last tokens have expired): the cached token stops with it, no new revision needed.
        Assert.Null(await ValidateAsync(token, state, _now.AddMinutes(6)));
    }

    [Fact]
    public async Task VerifiedToken_IsServedFromTheCache_UntilARevisionRemovesItsClient()
    {
        var state = State(retiredAt: _now.AddMinutes(-1));
        var token = Token(state, _current, "current");
        var first = await ValidateAsync(token, state);
        Assert.NotNull(first);
        Assert.Equal(1, _cache.Count);

        // The repeat is answered synchronously from the cache with the same caller: no signature check, no allocation.
        var repeat = _validator.ValidateAsync(token, state, state.FindTenant(state.Source.Tenants[0].Slug), _now, CancellationToken.None);
        Assert.True(repeat.IsCompletedSuccessfully);
        Assert.Same(first, await repeat);

        // A revision that revokes the client: the cached token is refused at once, though it has not expired.
        var errors = new List<string>();
        var revoked = NodeStateBuilder.Apply(state, 2, [new OAuthClientRemoved { Id = ClientRecord }], _now, errors);
        Assert.NotNull(revoked);
        Assert.Null(await ValidateAsync(token, revoked));

        // A revision that changes something else keeps the token valid (re-checked, not re-verified).
        var other = NodeStateBuilder.Apply(state, 2, [new BlockIssued { Block = new BlockSnapshot { BlockId = Guid.NewGuid(), Target = BlockTarget.Network, Value = "198.51.100.7", ExpiresAt = _now.AddHours(1) } }], _now, errors);
        Assert.True(other is not null, string.Join("; ", errors));
        Assert.NotNull(await ValidateAsync(token, other));
    }

    [Fact]
    public async Task TokenOfAnotherIssuerOrWithoutTheAccessTokenType_IsRefused()
    {
        var state = State(retiredAt: _now.AddMinutes(-1));
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = PlatformTokens.Audience, Expires = _now.AddMinutes(10).UtcDateTime, TokenType = "JWT",
            Claims = new Dictionary<string, object> { ["sub"] = "igwc_test", ["tenant"] = state.Source.Tenants[0].TenantId.ToString() },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_current) { KeyId = "current" }, SecurityAlgorithms.RsaSha256),
        });
        Assert.Null(await ValidateAsync(idToken, state));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task CachedToken_HitsOnlyForTheExactText_AndLeavesAtItsExpiry()
    {
        var state = State(retiredAt: _now.AddMinutes(-1));
        var token = Token(state, _current, "current");
        Assert.NotNull(await ValidateAsync(token, state));
        Assert.Equal(1, _cache.Count);
        Assert.Equal(token.Length, _cache.Characters);

        // The same text with one signature character changed (same length, same hash bucket odds): a miss, then a
        // verification that fails. A cache keyed on anything but the full text would let it through.
        var last = token[^1] == 'A' ? 'B' : 'A';
        var forged = token[..^1] + last;
        Assert.Null(await ValidateAsync(forged, state));
        Assert.Null(_cache.Find(forged, _now));
        Assert.Equal(1, _cache.Count);

        // The presented text is looked up as a span of a larger header value, as the authentication step passes it.
        var header = "Bearer " + token;
        Assert.NotNull(_cache.Find(header.AsSpan(7), _now));

        // Past its expiry plus the skew, the entry is gone and the token refused.
        var late = _now.AddMinutes(10) + JwtValidator.ClockSkew + TimeSpan.FromSeconds(1);
        Assert.Null(await ValidateAsync(token, state, late));
        Assert.Equal(0, _cache.Count);
        Assert.Equal(0, _cache.Characters);
    }
}
