using System.Collections.Concurrent;
using System.Collections.Frozen;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// Access tokens whose signature and claims have been checked, by their exact text, so a repeat caller costs one
/// dictionary lookup on the presented span (a non-cryptographic hash and a full ordinal comparison of the text: a hit
/// only for the very same token) instead of an RSA verification, and allocates nothing. The string hash is the
/// runtime's: not randomized while chains stay short, randomized by the dictionary itself once one grows long, so
/// tokens crafted to collide (a tenant's own issuer signs what its owner likes) cannot slow lookups down. Only tokens
/// that passed enter, so invented tokens cannot fill it; an entry leaves at its expiry, and is re-checked against
/// every new revision (its client still live, its key still published), so a revocation takes effect on the next
/// request. Bounded in entries and in the characters of text kept.
/// </summary>
internal sealed class JwtCache
{
    public const int MaxEntries = 100_000;

    /// <summary>The token text kept, in characters (two bytes each): 32 Mi characters, 64 MiB, about 50,000 tokens of 600 characters.</summary>
    public const long MaxCharacters = 32L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, ValidatedToken> _tokens;
    private readonly ConcurrentDictionary<string, ValidatedToken>.AlternateLookup<ReadOnlySpan<char>> _byText;
    private long _characters;
    private long _lastSweep;

    public JwtCache()
    {
        // The default string comparer: required for the span lookup, and the one the dictionary re-seeds on collisions.
        _tokens = new ConcurrentDictionary<string, ValidatedToken>();
        _byText = _tokens.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _tokens.Count;

    /// <summary>The characters of token text held.</summary>
    public long Characters => Interlocked.Read(ref _characters);

    public ValidatedToken? Find(ReadOnlySpan<char> token, DateTimeOffset now)
    {
        if (!_byText.TryGetValue(token, out var text, out var validated))
        {
            return null;
        }

        if (validated.ExpiresAt <= now)
        {
            Remove(text, validated);
            return null;
        }

        return validated;
    }

    public void Add(string token, ValidatedToken validated, DateTimeOffset now)
    {
        if (_tokens.Count >= MaxEntries || Characters + token.Length > MaxCharacters)
        {
            Sweep(now);
            if (_tokens.Count >= MaxEntries || Characters + token.Length > MaxCharacters)
            {
                return;
            }
        }

        if (_tokens.TryAdd(token, validated))
        {
            Interlocked.Add(ref _characters, token.Length);
        }
        else
        {
            // Verified twice at once: either result is the same token's.
            _tokens[token] = validated;
        }
    }

    private void Remove(string token, ValidatedToken validated)
    {
        if (_tokens.TryRemove(KeyValuePair.Create(token, validated)))
        {
            Interlocked.Add(ref _characters, -token.Length);
        }
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

        foreach (var (token, validated) in _tokens)
        {
            if (validated.ExpiresAt <= now)
            {
                Remove(token, validated);
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
