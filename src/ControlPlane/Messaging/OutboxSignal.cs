using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using InferenceGateway.Contracts;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>An outbox row this process has just committed, as the relay would read it back.</summary>
internal sealed record CommittedOutboxRow(long Id, Guid MessageId, ConfigRevisionPublished Message);

/// <summary>
/// Wakes the outbox relay after a commit, so publishing does not wait for the next poll, and hands it the committed
/// row, so the relay need not read it back: it publishes a handed row only when that row is exactly the one a read
/// would return next (see <see cref="OutboxRelay"/>); the row is in the database either way.
/// </summary>
internal sealed class OutboxSignal
{
    /// <summary>More hand-offs than this waiting means the relay is behind (the broker is down): it reads the outbox then.</summary>
    private const int MaxHandedRows = 1000;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly ConcurrentQueue<CommittedOutboxRow> _committed = new();

    public void Notify(CommittedOutboxRow? committed = null)
    {
        if (committed is not null && _committed.Count < MaxHandedRows)
        {
            _committed.Enqueue(committed);
        }

        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up covers every pending row.
        }
    }

    public bool HasCommitted => !_committed.IsEmpty;

    public bool TryTakeCommitted([NotNullWhen(true)] out CommittedOutboxRow? row) => _committed.TryDequeue(out row);

    public void DiscardCommitted() => _committed.Clear();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
