using System.Diagnostics;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Configuration;

internal enum ApplyOutcome
{
    /// <summary>The state moved to the new revision.</summary>
    Applied,

    /// <summary>The node already holds this revision or a newer one: nothing to do.</summary>
    AlreadyCurrent,

    /// <summary>A delta does not follow the held revision (or belongs to another epoch): the node must pull.</summary>
    Gap,

    /// <summary>The input is invalid; the last good state keeps serving.</summary>
    Rejected,
}

/// <summary>
/// The node's configuration: the state requests read (one volatile reference, swapped whole) and the single
/// place where new revisions are applied, in order, one at a time. Within an epoch, deltas only move forward; a
/// full snapshot pulled from the control plane of another epoch, or with a lower revision or other content at
/// the same revision, replaces the whole state (a restored or rebuilt control-plane database) and is reported.
/// </summary>
internal sealed partial class NodeConfig(TimeProvider time, ILogger<NodeConfig> logger)
{
    public const string BusOrigin = "bus";

    private readonly Lock _applyLock = new();
    private volatile NodeState? _current;
    private long _deltasFromBus;
    private long _rejectedMessages;

    public NodeState? Current => _current;

    /// <summary>The revision served; 0 also before any snapshot (see <see cref="Current"/> for whether one is held).</summary>
    public long Revision => _current?.Revision ?? 0;

    public Guid Epoch => _current?.Epoch ?? Guid.Empty;

    public DateTimeOffset? LastAppliedAt { get; private set; }

    public string? LastApplyError { get; private set; }

    /// <summary>Deltas applied straight from bus messages (the fast path), as opposed to pulled.</summary>
    public long DeltasAppliedFromBus => Interlocked.Read(ref _deltasFromBus);

    public DateTimeOffset? LastApplyErrorAt { get; private set; }

    /// <summary>Bus messages dropped because they failed verification (or could not be read).</summary>
    public long RejectedMessages => Interlocked.Read(ref _rejectedMessages);

    public string? LastRejection { get; private set; }

    public DateTimeOffset? LastRejectionAt { get; private set; }

    /// <summary>The most recent replacement of the whole state, and why.</summary>
    public string? LastReset { get; private set; }

    public DateTimeOffset? LastResetAt { get; private set; }

    /// <summary>Raised after every successful apply (the disk store persists the new state).</summary>
    public event Action<NodeState>? Applied;

    /// <summary>
    /// Applies a full snapshot. From the control plane (<paramref name="authoritative"/>) it replaces whatever is held
    /// unless it is the same revision of the same epoch with the same content; from disk it applies only to a node
    /// that holds nothing yet.
    /// </summary>
    public ApplyOutcome ApplySnapshot(ConfigSnapshot snapshot, string origin, bool authoritative = true) =>
        ApplySnapshot(snapshot, null, origin, authoritative);

    /// <summary>
    /// Applies a full snapshot read as a stream: <paramref name="snapshot"/> is its header (everything but the keys) and
    /// <paramref name="keys"/> its keys, read one by one into the new key table (null: the keys are in the header).
    /// </summary>
    /// <param name="trustedSum">The key sum stored in this node's own sealed file (a cold start skips hashing every key).</param>
    /// <param name="heldAtRequest">For a pull: the revision held when it was asked for. A snapshot newer than that but older than what the bus has applied meanwhile is stale, not a restore.</param>
    public ApplyOutcome ApplySnapshot(
        ConfigSnapshot snapshot, IEnumerable<CompactKey>? keys, string origin, bool authoritative = true, KeySum? trustedSum = null, long? heldAtRequest = null)
    {
        lock (_applyLock)
        {
            string? reset = null;
            if (_current is { } held)
            {
                if (!authoritative)
                {
                    return ApplyOutcome.AlreadyCurrent;
                }

                var sameEpoch = held.Epoch == snapshot.Epoch;
                if (sameEpoch && heldAtRequest is { } asked && snapshot.Revision >= asked && snapshot.Revision < held.Revision)
                {
                    // Deltas from the bus overtook this pull: what it brings is already applied.
                    return ApplyOutcome.AlreadyCurrent;
                }

                if (sameEpoch && snapshot.Revision == held.Revision && snapshot.ContentHash == held.ContentHash)
                {
                    return ApplyOutcome.AlreadyCurrent;
                }

                if (!sameEpoch || snapshot.Revision <= held.Revision)
                {
                    reset = !sameEpoch ? $"another epoch ({held.Epoch} revision {held.Revision} replaced by {snapshot.Epoch} revision {snapshot.Revision})"
                        : snapshot.Revision < held.Revision ? $"the control plane is at a lower revision ({held.Revision} replaced by {snapshot.Revision})"
                        : $"the content at revision {held.Revision} differed from the control plane's (drift)";
                }
            }

            var errors = new List<string>();
            var started = Stopwatch.GetTimestamp();
            var state = keys is null
                ? NodeStateBuilder.Build(snapshot, time.GetUtcNow(), errors)
                : NodeStateBuilder.Build(snapshot, keys, time.GetUtcNow(), errors, trustedSum);
            if (state is null)
            {
                return Reject(snapshot.Revision, errors);
            }

            if (reset is not null)
            {
                LastReset = reset;
                LastResetAt = time.GetUtcNow();
                LogReset(logger, reset);
            }

            return Swap(state, origin, started);
        }
    }

    /// <summary>Applies changes that take the node from <paramref name="fromRevision"/> to <paramref name="revision"/> in <paramref name="epoch"/>.</summary>
    public ApplyOutcome ApplyDelta(Guid epoch, long fromRevision, long revision, IReadOnlyList<ConfigChange> changes, string origin)
    {
        lock (_applyLock)
        {
            if (_current is not { } state || state.Epoch != epoch)
            {
                return ApplyOutcome.Gap;
            }

            if (revision <= state.Revision)
            {
                return ApplyOutcome.AlreadyCurrent;
            }

            if (fromRevision != state.Revision)
            {
                return ApplyOutcome.Gap;
            }

            var errors = new List<string>();
            var started = Stopwatch.GetTimestamp();
            var next = NodeStateBuilder.Apply(state, revision, changes, time.GetUtcNow(), errors);
            if (next is null)
            {
                return Reject(revision, errors);
            }

            if (origin == BusOrigin)
            {
                Interlocked.Increment(ref _deltasFromBus);
            }

            return Swap(next, origin, started);
        }
    }

    /// <summary>Records a failure that happened before an apply could start (a snapshot that did not parse).</summary>
    public void RecordFailure(string error)
    {
        lock (_applyLock)
        {
            LastApplyError = error;
            LastApplyErrorAt = time.GetUtcNow();
        }
    }

    /// <summary>Counts a bus message dropped before it could change anything; it consumes no revision.</summary>
    public void RecordRejectedMessage(long revision, string reason)
    {
        Interlocked.Increment(ref _rejectedMessages);
        lock (_applyLock)
        {
            LastRejection = $"revision {revision}: {reason}";
            LastRejectionAt = time.GetUtcNow();
        }

        LogMessageRejected(logger, revision, reason);
    }

    private ApplyOutcome Swap(NodeState state, string origin, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _current = state;
        LastAppliedAt = time.GetUtcNow();

        // A newer revision applied: whatever was wrong before no longer describes this node.
        LastApplyError = null;
        LastApplyErrorAt = null;
        LogApplied(logger, state.Revision, origin, state.TenantsById.Count, state.Keys.Count, elapsed);
        Applied?.Invoke(state);
        return ApplyOutcome.Applied;
    }

    private ApplyOutcome Reject(long revision, List<string> errors)
    {
        LastApplyError = $"revision {revision} rejected: {string.Join("; ", errors.Take(5))}{(errors.Count > 5 ? $" (and {errors.Count - 5} more)" : string.Empty)}";
        LastApplyErrorAt = time.GetUtcNow();
        LogRejected(logger, revision, Revision, LastApplyError);
        return ApplyOutcome.Rejected;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Applied revision {Revision} from {Origin}: {Tenants} tenants, {Keys} keys, built in {ElapsedMs:F3} ms")]
    private static partial void LogApplied(ILogger logger, long revision, string origin, int tenants, long keys, double elapsedMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Rejected revision {Revision}; still serving {Serving}: {Error}")]
    private static partial void LogRejected(ILogger logger, long revision, long serving, string error);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Replaced the whole configuration: {Reason}")]
    private static partial void LogReset(ILogger logger, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Dropped a configuration message for revision {Revision} from the bus: {Reason}")]
    private static partial void LogMessageRejected(ILogger logger, long revision, string reason);
}
