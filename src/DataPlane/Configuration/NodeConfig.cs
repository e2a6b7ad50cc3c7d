using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Configuration;

internal enum ApplyOutcome
{
    /// <summary>The state moved to the new revision.</summary>
    Applied,

    /// <summary>The node already holds this revision or a newer one: nothing to do.</summary>
    AlreadyCurrent,

    /// <summary>A delta does not follow the held revision: the node must pull.</summary>
    Gap,

    /// <summary>The input is invalid; the last good state keeps serving.</summary>
    Rejected,
}

/// <summary>
/// The node's configuration: the state requests read (one volatile reference, swapped whole) and the single
/// place where new revisions are applied, in order, one at a time. Revisions only move forward.
/// </summary>
internal sealed partial class NodeConfig(TimeProvider time, ILogger<NodeConfig> logger)
{
    public const string BusOrigin = "bus";

    private readonly Lock _applyLock = new();
    private volatile NodeState? _current;
    private long _deltasFromBus;

    public NodeState? Current => _current;

    /// <summary>The revision served; 0 also before any snapshot (see <see cref="Current"/> for whether one is held).</summary>
    public long Revision => _current?.Revision ?? 0;

    public DateTimeOffset? LastAppliedAt { get; private set; }

    public string? LastApplyError { get; private set; }

    /// <summary>Deltas applied straight from bus messages (the fast path), as opposed to pulled.</summary>
    public long DeltasAppliedFromBus => Interlocked.Read(ref _deltasFromBus);

    public DateTimeOffset? LastApplyErrorAt { get; private set; }

    /// <summary>Raised after every successful apply (the disk store persists the new state).</summary>
    public event Action<NodeState>? Applied;

    public ApplyOutcome ApplySnapshot(ConfigSnapshot snapshot, string origin)
    {
        lock (_applyLock)
        {
            if (_current is { } held && snapshot.Revision <= held.Revision)
            {
                return ApplyOutcome.AlreadyCurrent;
            }

            var errors = new List<string>();
            var state = NodeStateBuilder.Build(snapshot, time.GetUtcNow(), errors);
            return state is null ? Reject(snapshot.Revision, errors) : Swap(state, origin);
        }
    }

    /// <summary>Applies changes that take the node from <paramref name="fromRevision"/> to <paramref name="revision"/>.</summary>
    public ApplyOutcome ApplyDelta(long fromRevision, long revision, IReadOnlyList<ConfigChange> changes, string origin)
    {
        lock (_applyLock)
        {
            if (_current is { } held && revision <= held.Revision)
            {
                return ApplyOutcome.AlreadyCurrent;
            }

            if (_current is not { } state || fromRevision != state.Revision)
            {
                return ApplyOutcome.Gap;
            }

            var errors = new List<string>();
            var next = NodeStateBuilder.Apply(state, revision, changes, time.GetUtcNow(), errors);
            if (next is null)
            {
                return Reject(revision, errors);
            }

            if (origin == BusOrigin)
            {
                Interlocked.Increment(ref _deltasFromBus);
            }

            return Swap(next, origin);
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

    private ApplyOutcome Swap(NodeState state, string origin)
    {
        _current = state;
        LastAppliedAt = time.GetUtcNow();

        // A newer revision applied: whatever was wrong before no longer describes this node.
        LastApplyError = null;
        LastApplyErrorAt = null;
        LogApplied(logger, state.Revision, origin, state.TenantsById.Count, state.KeysByHash.Count);
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

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Applied revision {Revision} from {Origin}: {Tenants} tenants, {Keys} key hashes")]
    private static partial void LogApplied(ILogger logger, long revision, string origin, int tenants, int keys);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Rejected revision {Revision}; still serving {Serving}: {Error}")]
    private static partial void LogRejected(ILogger logger, long revision, long serving, string error);
}
