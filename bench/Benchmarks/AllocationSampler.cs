using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace InferenceGateway.Benchmarks;

/// <summary>
/// The runtime's allocation sampling (one GCAllocationTick event about every 100 KB allocated, naming the type of
/// the object that crossed the mark), counted by type: where a variant's bytes per request go, roughly.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> bytesByType = new(StringComparer.Ordinal);
    private volatile bool recording;

    public void Start()
    {
        bytesByType.Clear();
        recording = true;
    }

    public IReadOnlyList<KeyValuePair<string, long>> Stop()
    {
        recording = false;
        return [.. bytesByType.OrderByDescending(p => p.Value)];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!recording || eventData.EventName != "GCAllocationTick_V4" || eventData.Payload is not { } payload)
        {
            return;
        }

        var type = payload[eventData.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(payload[eventData.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
