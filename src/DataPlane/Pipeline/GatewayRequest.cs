using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Pipeline;

/// <summary>What the steps of the request path learn about one request, in the order they learn it.</summary>
internal sealed class GatewayRequest
{
    public required string RequestId { get; init; }

    public required long StartTimestamp { get; init; }

    /// <summary>The configuration this request is served with, read once so it sees one revision throughout.</summary>
    public NodeState? State { get; set; }

    /// <summary>The tenant named by the path (not yet authorized).</summary>
    public TenantEntry? Tenant { get; set; }

    /// <summary>The route for (tenant, model), when the tenant has one.</summary>
    public RouteEntry? Route { get; set; }

    /// <summary>The model segment of the path, as sent.</summary>
    public string? Model { get; set; }

    /// <summary>The rest of the path after <c>/t/{tenant}/{model}</c>, exactly as the client sent it.</summary>
    public string RawRest { get; set; } = string.Empty;

    /// <summary>The query string with its '?', as sent.</summary>
    public string RawQuery { get; set; } = string.Empty;

    /// <summary>Who is calling, set by authentication: every step after it reads this, never a credential's record.</summary>
    public Authentication.Caller? Caller { get; set; }

    /// <summary>When the upstream's response headers arrived (0 until then).</summary>
    public long UpstreamHeadersTimestamp { get; set; }

    public long UpstreamStartTimestamp { get; set; }

    /// <summary>The request reached forwarding with metering on: it goes into the usage ledger.</summary>
    public bool Metered { get; set; }

    /// <summary>Metered without reading the answer: the request-context step records it when the response has ended.</summary>
    public bool MeterAtEnd { get; set; }

    /// <summary>Request body bytes as the client sent them.</summary>
    public long BytesIn { get; set; }

    /// <summary>The upstream's declared response length, for answers the meter does not read.</summary>
    public long UpstreamContentLength { get; set; }

    /// <summary>The usage read from a model operation's answer; null for other requests.</summary>
    public Metering.UsageCapture? Usage { get; set; }

    /// <summary>The spend budgets this request reserved (and would have been limited by, in shadow mode); null without budgets.</summary>
    public Budgets.BudgetHold? Budget { get; set; }

    /// <summary>The in-flight slots (per key and tenant) this request holds; given back when the request ends.</summary>
    public IDisposable? InFlight { get; set; }

    /// <summary>A rate limit in shadow mode would have refused this request (it was let through and is counted as such).</summary>
    public bool WouldHaveBeenLimited { get; set; }

    /// <summary>The tightest rate limit this request was checked against, for the RateLimit-* headers (Limit 0: none).</summary>
    public RateLimiting.LimitDecision RateLimit;
}

internal static class GatewayRequestExtensions
{
    public static GatewayRequest Gateway(this HttpContext context) => context.Features.Get<GatewayRequest>()!;
}
