using System.Collections.Concurrent;
using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// The node's usage counters, per tenant, credential, model and minute. A request adds into its cell with a
/// handful of interlocked adds; the reporter drains every cell each interval into a <c>UsageReported</c> batch.
/// No per-request object outlives the request.
/// </summary>
internal sealed class UsageMeter(TimeProvider time)
{
    private static readonly long TicksPerMinute = TimeSpan.TicksPerMinute;

    private readonly ConcurrentDictionary<MeterKey, MeterCell> _cells = new();
    private readonly List<MeterCell> _retired = [];

    /// <summary>The credential a request was served for: the authenticated caller (API key, OAuth client or external token).</summary>
    public static MeterKey? KeyOf(GatewayRequest request) =>
        request.Caller is { } caller && request.Route is { } route
            ? new MeterKey(caller.TenantId, caller.CredentialId, caller.KindName, route.Model)
            : null;

    public void Record(GatewayRequest request, int status, long elapsedTicks, long bytesOut)
    {
        if (!request.Metered || KeyOf(request) is not { } key)
        {
            return;
        }

        var minute = time.GetUtcNow().UtcTicks / TicksPerMinute;
        var cell = _cells.GetOrAdd(key, static k => new MeterCell(k));
        if (cell.LastMinute != minute)
        {
            cell.LastMinute = minute;
        }

        var counters = cell.SlotFor(minute).Counters;
        var statusIndex = status switch
        {
            < 300 => MeterSlot.Status2xx,
            < 400 => MeterSlot.Status3xx,
            < 500 => MeterSlot.Status4xx,
            _ => MeterSlot.Status5xx,
        };
        Interlocked.Increment(ref counters[statusIndex]);
        var micros = elapsedTicks / TimeSpan.TicksPerMicrosecond;
        Interlocked.Add(ref counters[MeterSlot.LatencySum], micros);
        Interlocked.Increment(ref counters[MeterSlot.FirstBucket + UsageLatencyBuckets.IndexOf(micros)]);
        AddIfAny(counters, MeterSlot.BytesIn, request.BytesIn);
        if (request.WouldHaveBeenLimited)
        {
            Interlocked.Increment(ref counters[MeterSlot.WouldHaveBeenLimited]);
        }

        AddIfAny(counters, MeterSlot.BytesOut, bytesOut);
        if (request.Budget?.WouldLimit is not null)
        {
            Interlocked.Increment(ref counters[MeterSlot.BudgetWouldLimit]);
        }

        if (request.Usage is { } usage)
        {
            AddIfAny(counters, MeterSlot.InputTokens, usage.InputTokens);
            AddIfAny(counters, MeterSlot.OutputTokens, usage.OutputTokens);
            AddIfAny(counters, MeterSlot.EstimatedInput, usage.EstimatedInputTokens);
            AddIfAny(counters, MeterSlot.EstimatedOutput, usage.EstimatedOutputTokens);
            if (usage.Malformed)
            {
                Interlocked.Increment(ref counters[MeterSlot.Malformed]);
            }
        }
    }

    /// <summary>
    /// Takes everything counted so far as cells of a batch. The slot of the current minute's parity belongs to this
    /// minute, the other to the previous one (drains run every interval, far more often than once a minute).
    /// Only the reporter calls this, never two at once.
    /// </summary>
    public List<UsageCell> Drain()
    {
        var now = time.GetUtcNow().UtcTicks / TicksPerMinute;
        var cells = new List<UsageCell>();
        var values = new long[MeterSlot.Length];

        // Cells retired at the previous drain: a request that found one just before its removal added by now.
        foreach (var cell in _retired)
        {
            TakeBoth(cell, now, values, cells);
        }

        _retired.Clear();
        foreach (var (key, cell) in _cells)
        {
            TakeBoth(cell, now, values, cells);
            if (now - cell.LastMinute >= 2 && _cells.TryRemove(new KeyValuePair<MeterKey, MeterCell>(key, cell)))
            {
                _retired.Add(cell);
            }
        }

        return cells;
    }

    private static void TakeBoth(MeterCell cell, long now, long[] values, List<UsageCell> into)
    {
        var current = cell.SlotFor(now);
        var previous = cell.SlotFor(now - 1);
        if (previous.TryTake(values))
        {
            into.Add(ToCell(cell, now - 1, values));
        }

        if (current.TryTake(values))
        {
            into.Add(ToCell(cell, now, values));
        }
    }

    private static void AddIfAny(long[] counters, int index, long value)
    {
        if (value != 0)
        {
            Interlocked.Add(ref counters[index], value);
        }
    }

    private static UsageCell ToCell(MeterCell cell, long minute, long[] v) => new()
    {
        TenantId = cell.Key.TenantId,
        CredentialId = cell.CredentialIdText,
        CredentialKind = cell.Key.CredentialKind,
        Model = cell.Key.Model,
        Minute = new DateTimeOffset(minute * TicksPerMinute, TimeSpan.Zero),
        Requests2xx = v[MeterSlot.Status2xx],
        Requests3xx = v[MeterSlot.Status3xx],
        Requests4xx = v[MeterSlot.Status4xx],
        Requests5xx = v[MeterSlot.Status5xx],
        BytesIn = v[MeterSlot.BytesIn],
        BytesOut = v[MeterSlot.BytesOut],
        LatencySumMicros = v[MeterSlot.LatencySum],
        LatencyBuckets = v.AsSpan(MeterSlot.FirstBucket, UsageLatencyBuckets.Count).ToArray(),
        InputTokens = v[MeterSlot.InputTokens],
        OutputTokens = v[MeterSlot.OutputTokens],
        EstimatedInputTokens = v[MeterSlot.EstimatedInput],
        EstimatedOutputTokens = v[MeterSlot.EstimatedOutput],
        MalformedUsage = v[MeterSlot.Malformed],
        WouldHaveBeenLimited = v[MeterSlot.WouldHaveBeenLimited],
        BudgetWouldLimit = v[MeterSlot.BudgetWouldLimit],
    };
}
