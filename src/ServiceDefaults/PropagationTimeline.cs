using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ServiceDefaults;

/// <summary>The points of a configuration change on its way from the admin call to a node's state, in order.</summary>
public enum PropagationPoint
{
    /// <summary>Control plane: the admin request reached the server (first middleware).</summary>
    RequestStarted,

    /// <summary>Control plane: the handler read what it changes and starts the transaction.</summary>
    CommitStarted,

    /// <summary>Control plane: the transaction took the next revision (the revision row is locked from here).</summary>
    RevisionTaken,

    /// <summary>Control plane: entity, audit, revision and outbox rows saved (not yet committed).</summary>
    Saved,

    /// <summary>Control plane: the transaction committed; the relay is woken.</summary>
    Committed,

    /// <summary>Control plane: the relay woke up for the batch that carried the revision.</summary>
    RelayWoken,

    /// <summary>Control plane: the relay read the outbox row.</summary>
    RelayRead,

    /// <summary>Control plane: the broker confirmed the publish.</summary>
    RelayConfirmed,

    /// <summary>Node: the message reached the consumer.</summary>
    NodeReceived,

    /// <summary>Node: the new state is the one requests read.</summary>
    NodeApplied,
}

/// <summary>Section <c>Diagnostics</c>.</summary>
public sealed class DiagnosticsOptions
{
    public const string Section = "Diagnostics";

    /// <summary>
    /// A file to append the propagation timeline to (one line per point of each revision, UTC to the microsecond);
    /// unset (the default) records nothing. bench/propagation.sh reads it to say where revoke-to-enforce goes.
    /// </summary>
    public string? PropagationTimelinePath { get; set; }
}

/// <summary>
/// Timestamps of the propagation path (<see cref="PropagationPoint"/>) without touching the path's speed: a mark is a
/// clock read and a write into a bounded in-memory channel (dropped when full), and a background writer puts them in
/// a file. Off unless <see cref="DiagnosticsOptions.PropagationTimelinePath"/> is set; then a mark costs a branch. It
/// replaces Debug log lines on the hot path, which formatted and queued a console line per point and per message.
/// </summary>
public sealed class PropagationTimeline
{
    private readonly Channel<Mark>? _marks;

    public PropagationTimeline(IOptions<DiagnosticsOptions> options)
    {
        if (options.Value.PropagationTimelinePath is { Length: > 0 } path)
        {
            Path = System.IO.Path.GetFullPath(path);
            _marks = Channel.CreateBounded<Mark>(new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        }
    }

    public bool Enabled => _marks is not null;

    public string? Path { get; }

    internal ChannelReader<Mark>? Reader => _marks?.Reader;

    /// <summary>The clock the points are taken with (UTC ticks), for a point whose revision is known only later.</summary>
    public static long Now() => DateTime.UtcNow.Ticks;

    /// <summary>Records <paramref name="point"/> of <paramref name="revision"/> now.</summary>
    public void Record(PropagationPoint point, long revision)
    {
        if (_marks is not null)
        {
            Record(point, revision, Now());
        }
    }

    /// <summary>Records <paramref name="point"/> of <paramref name="revision"/> taken at <paramref name="utcTicks"/> (<see cref="Now"/>).</summary>
    public void Record(PropagationPoint point, long revision, long utcTicks) =>
        _marks?.Writer.TryWrite(new Mark(point, revision, utcTicks, GC.GetTotalPauseDuration().Ticks));

    /// <summary>One point: what, which revision, when (UTC ticks), and the process's total GC pause so far (ticks).</summary>
    internal readonly record struct Mark(PropagationPoint Point, long Revision, long UtcTicks, long GcPauseTicks);
}
