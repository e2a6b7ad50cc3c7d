using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// Access tokens whose signature and claims have been checked, by the SHA-256 of their text, so a repeat caller
/// costs a hash and a lookup instead of an RSA verification. Only tokens that passed enter, so invented tokens
/// cannot fill it; an entry leaves at its expiry, and is re-checked against every new revision (its client still
/// live, its key still published), so a revocation takes effect on the next request. Bounded in size.
/// </summary>
internal sealed class JwtCache
{
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<KeyHash, ValidatedToken> _tokens = new();
    private long _lastSweep;

    public int Count => _tokens.Count;

    /// <summary>The token's cache key: SHA-256 of its (ASCII) text, computed without allocating.</summary>
    public static KeyHash HashOf(ReadOnlySpan<char> token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(token.Length);
        try
        {
            var length = Encoding.ASCII.GetBytes(token, buffer);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), digest);
            return KeyHash.From(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValidatedToken? Find(in KeyHash hash, DateTimeOffset now)
    {
        if (!_tokens.TryGetValue(hash, out var token))
        {
            return null;
        }

        if (token.ExpiresAt <= now)
        {
            _tokens.TryRemove(hash, out _);
            return null;
        }

        return token;
    }

    public void Add(in KeyHash hash, ValidatedToken token, DateTimeOffset now)
    {
        if (_tokens.Count >= MaxEntries)
        {
            Sweep(now);
            if (_tokens.Count >= MaxEntries)
            {
                return;
            }
        }

        _tokens[hash] = token;
    }

    /// <summary>Drops expired entries; at most once a second, however often the cache is full.</summary>
    private void Sweep(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        var last = Interlocked.Read(ref _lastSweep);
        if (ticks - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref _lastSweep, ticks, last) != last)
        {
            return;
        }

        foreach (var (hash, token) in _tokens)
        {
            if (token.ExpiresAt <= now)
            {
                _tokens.TryRemove(hash, out _);
            }
        }
    }
}

/// <summary>What a verified token says, and the caller it maps to at the revision it was last checked against.</summary>
internal sealed class ValidatedToken
{
    public required Guid TenantId { get; init; }

    /// <summary>The OAuth client id (platform tokens) or the subject (external tokens).</summary>
    public required string ClientId { get; init; }

    /// <summary>For a token of a tenant's own issuer: that issuer's id, and the values of its mapped claim.</summary>
    public Guid? ExternalIssuerId { get; init; }

    public FrozenSet<string> ClaimValues { get; init; } = FrozenSet<string>.Empty;

    /// <summary>For an external token: its header <c>typ</c>, re-checked against the issuer's accepted types at each new revision.</summary>
    public string? TokenType { get; init; }

    public required string KeyId { get; init; }

    public required string Issuer { get; init; }

    public required string Audience { get; init; }

    /// <summary>The token's expiry plus the allowed clock skew: after this it is refused.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The models the token's scopes name.</summary>
    public required FrozenSet<string> ScopeModels { get; init; }

    /// <summary>The caller at one revision, swapped whole when the token is re-checked against a newer one.</summary>
    public Resolution? Resolved { get; set; }
}

/// <summary>The caller at one state; <paramref name="Key"/> is the platform key that signed it (null for an external token).</summary>
internal sealed record Resolution(NodeState State, PlatformKey? Key, Caller Caller);
