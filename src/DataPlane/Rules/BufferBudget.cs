using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Rules;

/// <summary>
/// The node-wide budget of request-body bytes held in memory at once (<c>DataPlane:Limits:BufferedRequestBytes</c>).
/// A request whose buffer would cross it is answered 503 with <c>Retry-After</c> instead of growing the heap.
/// </summary>
internal sealed class BufferBudget(IOptions<DataPlaneOptions> options)
{
    private readonly long _limit = options.Value.Limits.BufferedRequestBytes;
    private long _used;

    public long Used => Interlocked.Read(ref _used);

    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _used, bytes) <= _limit)
        {
            return true;
        }

        Interlocked.Add(ref _used, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
