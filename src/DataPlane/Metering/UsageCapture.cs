using System.Buffers;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// What the node learns about one model call's usage while the answer passes: bytes sent, the usage the model
/// reported (last one wins in a stream) and, for estimation, a bounded copy of the answer. Allocated only for
/// model operations (POST to an OpenAI-style path); other requests are metered from their headers alone.
/// </summary>
internal sealed class UsageCapture(int maxCopy, long maxTokens, bool readsUsage = true) : IDisposable
{
    private byte[]? _copy;

    /// <summary>False for a capture that only counts the bytes of an answer of unknown length.</summary>
    public bool ReadsUsage { get; } = readsUsage;

    /// <summary>Whether the answer is worth copying (JSON or events of a model operation).</summary>
    public bool KeepCopy { get; set; }

    public int MaxCopy { get; } = maxCopy;

    public long MaxTokens { get; } = maxTokens;

    /// <summary>The node added <c>stream_options.include_usage</c>: the usage event is the node's, not the client's.</summary>
    public bool StripUsageEvent { get; set; }

    public long BytesOut { get; set; }

    // What goes into the meter, once the answer has passed.
    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long EstimatedInputTokens { get; set; }

    public long EstimatedOutputTokens { get; set; }

    public bool Malformed { get; set; }

    public UsageResult Usage { get; set; }

    /// <summary>The answer was an event stream (its copy holds events, not one JSON body).</summary>
    public bool EventStream { get; set; }

    /// <summary>The answer was too large to keep a copy of: no usage read from it, no estimate of it.</summary>
    public bool CopyOverflowed { get; private set; }

    public int CopyLength { get; private set; }

    public ReadOnlySpan<byte> Copy => _copy is null ? default : _copy.AsSpan(0, CopyLength);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (!KeepCopy || CopyOverflowed || bytes.IsEmpty)
        {
            return;
        }

        if (CopyLength + bytes.Length > MaxCopy)
        {
            CopyOverflowed = true;
            return;
        }

        if (_copy is null || CopyLength + bytes.Length > _copy.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(CopyLength + bytes.Length, Math.Min(MaxCopy, Math.Max(4096, (_copy?.Length ?? 0) * 2))));
            if (_copy is not null)
            {
                _copy.AsSpan(0, CopyLength).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_copy, clearArray: true);
            }

            _copy = larger;
        }

        bytes.CopyTo(_copy.AsSpan(CopyLength));
        CopyLength += bytes.Length;
    }

    public void Dispose()
    {
        // Answers are tenant data: do not leave them in pooled memory.
        if (_copy is not null)
        {
            ArrayPool<byte>.Shared.Return(_copy, clearArray: true);
            _copy = null;
            CopyLength = 0;
        }
    }
}
