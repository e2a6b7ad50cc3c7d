using InferenceGateway.Contracts;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>Who was served: the one place that says how a request's caller becomes a ledger credential.</summary>
internal readonly record struct MeterKey(Guid TenantId, Guid CredentialId, string CredentialKind, string Model);

/// <summary>
/// The counters of one (tenant, credential, model). Two slots, chosen by the parity of the UTC minute a request
/// ended in, so a batch drained just after a minute boundary still attributes each request to its own minute.
/// Requests only add (interlocked); the reporter takes each slot's values with an exchange against zero, so an
/// add is in exactly one batch, never lost or counted twice.
/// </summary>
internal sealed class MeterCell(MeterKey key)
{
    public MeterKey Key { get; } = key;

    public string CredentialIdText { get; } = key.CredentialId.ToString();

    public MeterSlot Even { get; } = new();

    public MeterSlot Odd { get; } = new();

    /// <summary>The last minute (index since the Unix epoch) a request added to this cell; the reporter retires idle cells.</summary>
    public long LastMinute;

    public MeterSlot SlotFor(long minuteIndex) => (minuteIndex & 1) == 0 ? Even : Odd;
}

internal sealed class MeterSlot
{
    // Indexes into Counters.
    public const int Status2xx = 0, Status3xx = 1, Status4xx = 2, Status5xx = 3, BytesIn = 4, BytesOut = 5, LatencySum = 6,
        InputTokens = 7, OutputTokens = 8, EstimatedInput = 9, EstimatedOutput = 10, Malformed = 11, WouldHaveBeenLimited = 12, FirstBucket = 13;

    /// <summary>Requests a shadow budget rule would have refused (after the latency buckets).</summary>
    public const int BudgetWouldLimit = FirstBucket + UsageLatencyBuckets.Count;

    public const int Length = BudgetWouldLimit + 1;

    public readonly long[] Counters = new long[Length];

    /// <summary>Takes every counter (leaving zero); false when the slot was empty.</summary>
    public bool TryTake(long[] into)
    {
        var any = false;
        for (var i = 0; i < Length; i++)
        {
            var value = Interlocked.Exchange(ref Counters[i], 0);
            into[i] = value;
            any |= value != 0;
        }

        return any;
    }
}
