using System.Threading.Channels;

namespace InferenceGateway.ControlPlane.Features.Usage;

/// <summary>
/// Wakes the quota pusher after the ledger committed a usage batch. Coalescing: at most one wake-up is pending,
/// so a burst of batches during a pass gives one more pass, not one per batch.
/// </summary>
internal sealed class QuotaPushSignal
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>Completes when a wake-up is pending, and takes it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken) => await _signal.Reader.ReadAsync(cancellationToken);
}
