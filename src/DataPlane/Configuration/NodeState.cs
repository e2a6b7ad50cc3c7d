using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Blocking;
using Yarp.ReverseProxy.Forwarder;

namespace InferenceGateway.DataPlane.Configuration;

/// <summary>
/// Everything a node enforces, at one revision, in lookup-ready form. Immutable: an apply builds a new state
/// and swaps it in whole, so a request sees one revision from start to end.
/// </summary>
internal sealed class NodeState
{
    private readonly FrozenDictionary<string, TenantEntry>.AlternateLookup<ReadOnlySpan<char>> _tenantsBySlug;
    private byte[]? _restDigest;
    private string? _contentHash;

    public NodeState(
        ConfigSnapshot source,
        FrozenDictionary<string, TenantEntry> tenantsBySlug,
        FrozenDictionary<Guid, TenantEntry> tenantsById,
        KeyTable keys,
        BlockSet blocks,
        byte[]? restDigest = null)
    {
        Source = source.Keys.Count == 0 ? source : source with { Keys = [] };
        TenantsBySlug = tenantsBySlug;
        TenantsById = tenantsById;
        Keys = keys;
        Blocks = blocks;
        _restDigest = restDigest;
        _tenantsBySlug = tenantsBySlug.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The snapshot this state was built from (with applied deltas), without its keys: plans, tenants, routes,
    /// blocks and signing keys. The keys are in <see cref="Keys"/>.
    /// </summary>
    public ConfigSnapshot Source { get; }

    public long Revision => Source.Revision;

    public Guid Epoch => Source.Epoch;

    /// <summary>
    /// The content hash of what this state serves: the digest of everything but the keys (computed once per state,
    /// or carried over when a delta touched only keys) combined with the key table's running sum.
    /// </summary>
    public string ContentHash => _contentHash ??= ConfigContent.Combine(RestDigest, Keys.Sum);

    /// <summary>The canonical digest of <see cref="Source"/> (everything but the keys).</summary>
    public byte[] RestDigest => _restDigest ??= ConfigContent.RestDigest(Source);

    public FrozenDictionary<string, TenantEntry> TenantsBySlug { get; }

    public FrozenDictionary<Guid, TenantEntry> TenantsById { get; }

    /// <summary>Every key served, as bytes; find one with <see cref="ApiKeyLookup"/>.</summary>
    public KeyTable Keys { get; }

    public BlockSet Blocks { get; }

    /// <summary>The platform issuer and the tenant OAuth clients whose access tokens this state accepts.</summary>
    public Authentication.TokenIssuers Issuers { get; init; } = Authentication.TokenIssuers.Empty;

    /// <summary>
    /// Keys already verified against this state, by their text: a repeat caller skips the SHA-256. Only keys that
    /// passed verification enter, so invented keys cannot fill it; a new state (a revocation, say) starts empty.
    /// </summary>
    public ConcurrentDictionary<string, KeyEntry> VerifiedKeys { get; } = new(StringComparer.Ordinal);

    public const int MaxVerifiedKeys = 100_000;

    /// <summary>The whole snapshot this state serves, keys as records: for tests and tools, never the request path.</summary>
    public ConfigSnapshot ToSnapshot() => Source with { Keys = [.. Keys.Enumerate().Select(k => k.ToSnapshot())], ContentHash = ContentHash };

    public TenantEntry? FindTenant(ReadOnlySpan<char> slug) => _tenantsBySlug.TryGetValue(slug, out var tenant) ? tenant : null;
}

internal sealed class PlanEntry(PlanSnapshot plan)
{
    public Guid Id { get; } = plan.PlanId;

    public PlanSnapshot Source { get; } = plan;

    public double RequestsPerSecondPerKey { get; } = plan.RequestsPerSecondPerKey;

    public int BurstPerKey { get; } = plan.BurstPerKey;

    public double RequestsPerSecondPerTenant { get; } = plan.RequestsPerSecondPerTenant;

    public int BurstPerTenant { get; } = plan.BurstPerTenant;

    public long MaxRequestBodyBytes { get; } = plan.MaxRequestBodyBytes;

    /// <summary>Requests of one key in flight at once on this node (int.MaxValue when the snapshot sets none).</summary>
    public int MaxConcurrentPerKey { get; } = plan.MaxConcurrentRequestsPerKey ?? int.MaxValue;

    public int MaxConcurrentPerTenant { get; } = plan.MaxConcurrentRequestsPerTenant ?? int.MaxValue;

    /// <summary>Null means every model.</summary>
    public FrozenSet<string>? AllowedModels { get; } = plan.AllowedModels?.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The per-key rule: scope, Redis-down mode, shadow.</summary>
    public RateLimiting.RateRule KeyRule { get; } = RateLimiting.RateRule.From(plan.RateLimitScopePerKey, plan.RedisDownModePerKey, plan.ShadowRateLimitPerKey);

    public RateLimiting.RateRule TenantRule { get; } = RateLimiting.RateRule.From(plan.RateLimitScopePerTenant, plan.RedisDownModePerTenant, plan.ShadowRateLimitPerTenant);
}

internal sealed class TenantEntry
{
    private readonly FrozenDictionary<string, RouteEntry>.AlternateLookup<ReadOnlySpan<char>> _routes;

    public TenantEntry(TenantSnapshot tenant, PlanEntry plan, FrozenDictionary<string, RouteEntry> routes)
    {
        Id = tenant.TenantId;
        Slug = tenant.Slug;
        Suspended = tenant.Status == TenantState.Suspended;
        Plan = plan;
        Quota = Quotas.TenantQuota.For(plan.Source, tenant.QuotaUsage);
        Budget = Budgets.BudgetPolicy.For(tenant.TenantId, plan.Source.Budget, tenant.QuotaUsage);
        Routes = routes;
        _routes = routes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public Guid Id { get; }

    public string Slug { get; }

    public bool Suspended { get; }

    public PlanEntry Plan { get; }

    /// <summary>The monthly quotas and what was consumed of them; null when the plan has none.</summary>
    public Quotas.TenantQuota? Quota { get; }

    /// <summary>The plan's spend budgets with the ledger's last pushed spend; null when the plan has none.</summary>
    public Budgets.BudgetPolicy? Budget { get; }

    public FrozenDictionary<string, RouteEntry> Routes { get; }

    public RouteEntry? FindRoute(ReadOnlySpan<char> model) => _routes.TryGetValue(model, out var route) ? route : null;
}

internal sealed class RouteEntry(RouteSnapshot route)
{
    public Guid EndpointId { get; } = route.EndpointId;

    /// <summary>The gateway path this route is served at, <c>/t/{tenant}/{model}</c>: what upstream locations are rewritten to.</summary>
    public string GatewayPrefix { get; } = $"/t/{route.TenantSlug}/{route.Model}";

    public MethodSet Methods { get; } = MethodSet.From(route.AllowedMethods);

    public bool ForwardClientAddress { get; } = route.ForwardClientAddress;

    /// <summary>Cap on an SSE response's duration (null: none).</summary>
    public TimeSpan? StreamMaxDuration { get; } = route.StreamMaxDurationSeconds is { } d ? TimeSpan.FromSeconds(d) : null;

    /// <summary>Cap on an SSE response's silence: the endpoint's idle limit, kept just below its timeout so the stream ends with an event rather than a cut.</summary>
    public TimeSpan StreamMaxIdle { get; } = StreamIdle(route);

    public string Model { get; } = route.Model;

    /// <summary>A spend budget's output worst case for requests without <c>max_tokens</c>.</summary>
    public int MaxOutputTokens { get; } = route.MaxOutputTokens ?? Contracts.Rules.BudgetRules.DefaultMaxOutputTokens;

    /// <summary>Canonical base URL without a trailing slash; the rest of the client's path is appended.</summary>
    public string BaseUrl { get; } = route.BaseUrl.TrimEnd('/');

    /// <summary>The base URL parsed, to recognise the upstream's own locations in its responses.</summary>
    public Uri BaseUri { get; } = new(route.BaseUrl.TrimEnd('/'), UriKind.Absolute);

    public string? UpstreamHeaderName { get; } = route.UpstreamHeaderName;

    public string? UpstreamHeaderValue { get; } = route.UpstreamHeaderValue;

    /// <summary>Per-endpoint timeout: the longest the upstream may stay silent (504 after that).</summary>
    public ForwarderRequestConfig RequestConfig { get; } = new() { ActivityTimeout = TimeSpan.FromSeconds(route.TimeoutSeconds) };

    private static TimeSpan StreamIdle(RouteSnapshot route)
    {
        var timeout = TimeSpan.FromSeconds(route.TimeoutSeconds);
        var idle = route.StreamMaxIdleSeconds is { } i ? TimeSpan.FromSeconds(i) : timeout;
        return idle < timeout ? idle : timeout - TimeSpan.FromMilliseconds(Math.Min(500, timeout.TotalMilliseconds / 4));
    }

    /// <summary>The images the endpoint takes (checked before forwarding); null when it declares none.</summary>
    public Rules.ImageRules? ImageRules { get; } = route.ImageRules is { } images ? new Rules.ImageRules(images) : null;

    /// <summary>How its JSON answers are rewritten; null to pass them as they are.</summary>
    public Rules.OutputHardening? OutputHardening { get; } = route.OutputHardening is { } hardening ? new Rules.OutputHardening(hardening) : null;
}

/// <summary>
/// A verified key as the request path reads it (tenant, public id, models, expiry). Made from the key's compact
/// record the first time its text is verified against a state, then cached with that state: keys nobody calls
/// never become objects.
/// </summary>
internal sealed class KeyEntry
{
    public required Guid KeyId { get; init; }

    public required string PublicId { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>The hash this entry is found by (the current secret's, or the previous one's during a rotation grace).</summary>
    public required byte[] Hash { get; init; }

    /// <summary>Null means every model the plan allows.</summary>
    public FrozenSet<string>? AllowedModels { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For the previous secret of a rotated key: when it stops working.</summary>
    public DateTimeOffset? GraceUntil { get; init; }

    /// <summary>The caller this key authenticates as, built on first use (see <c>ApiKeyValidator</c>).</summary>
    internal Authentication.Caller? Caller { get; set; }

    public bool IsValidAt(DateTimeOffset now) =>
        (ExpiresAt is not { } expires || expires > now) && (GraceUntil is not { } grace || grace > now);

    public static KeyEntry From(in KeyRecord record, ModelLists models)
    {
        var hash = new byte[Hash256.Length];
        record.Hash.ToHash256().WriteTo(hash);
        return new KeyEntry
        {
            KeyId = record.KeyId,
            PublicId = CompactKey.UnpackPublicId(record.PublicId),
            TenantId = record.TenantId,
            Hash = hash,
            AllowedModels = models[record.Models]?.Set,
            ExpiresAt = record.ExpiresAtMs == CompactKey.Never ? null : DateTimeOffset.FromUnixTimeMilliseconds(record.ExpiresAtMs),
            GraceUntil = record.GraceUntilMs == CompactKey.Never ? null : DateTimeOffset.FromUnixTimeMilliseconds(record.GraceUntilMs),
        };
    }
}

/// <summary>A SHA-256 digest as four words: a dictionary key that hashes and compares without allocating.</summary>
internal readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
{
    public static KeyHash From(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(digest),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));

    public static KeyHash From(Hash256 hash) => new(hash.A, hash.B, hash.C, hash.D);

    public Hash256 ToHash256() => new(A, B, C, D);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{A:x16}{B:x16}{C:x16}{D:x16}");
}
