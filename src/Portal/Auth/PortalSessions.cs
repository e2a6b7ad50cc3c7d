using System.Collections.Concurrent;

namespace InferenceGateway.Portal.Auth;

/// <summary>The tokens of one signed-in session: the access token the API calls carry and the refresh token that renews it.</summary>
internal sealed record TokenSet(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>
/// The latest tokens of every signed-in session, by the session id in its cookie. A Blazor circuit outlives the
/// access token and cannot rewrite the cookie, so a refresh made in a circuit is kept here, where the next circuit
/// or request of the same session finds it (the control plane rotates refresh tokens: the one in the cookie is spent).
/// After a restart the cookie's tokens seed it again. One process holds it: replicas need sticky sessions, which
/// Blazor Server circuits need anyway.
/// </summary>
internal sealed class PortalSessions(TimeProvider time)
{
    /// <summary>A session not used for this long is forgotten (its cookie expires after 8 hours without use).</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromHours(9);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TokenSet? Get(string sessionId)
    {
        if (!_entries.TryGetValue(sessionId, out var entry))
        {
            return null;
        }

        entry.LastUsed = time.GetUtcNow();
        return entry.Tokens;
    }

    /// <summary>Keeps the tokens unless the session already has newer ones (a refresh made in a circuit).</summary>
    public void Seed(string sessionId, TokenSet tokens) => _entries.TryAdd(sessionId, new Entry(tokens, time.GetUtcNow()));

    public void Set(string sessionId, TokenSet tokens)
    {
        var now = time.GetUtcNow();
        _entries.AddOrUpdate(sessionId, _ => new Entry(tokens, now), (_, e) => { e.Tokens = tokens; e.LastUsed = now; return e; });
        foreach (var (id, e) in _entries)
        {
            if (now - e.LastUsed > Idle)
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    public void Remove(string sessionId) => _entries.TryRemove(sessionId, out _);

    /// <summary>One refresh at a time per session: two circuits of one user must not spend the same refresh token.</summary>
    public SemaphoreSlim LockFor(string sessionId) => _entries.TryGetValue(sessionId, out var e) ? e.Lock : new SemaphoreSlim(1, 1);

    private sealed class Entry(TokenSet tokens, DateTimeOffset lastUsed)
    {
        public TokenSet Tokens { get; set; } = tokens;

        public DateTimeOffset LastUsed { get; set; } = lastUsed;

        public SemaphoreSlim Lock { get; } = new(1, 1);
    }
}
