using System.Diagnostics;
using System.Threading.Channels;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Pipeline;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>One request as the access log records it: ids and timings only, never a key, header value or payload.</summary>
internal readonly record struct AccessLogEntry(
    DateTime At, string RequestId, string Tenant, string Model, string KeyId, string Method, int Status, double? UpstreamMs, double TotalMs, long Revision,
    bool WouldHaveBeenLimited = false,
    string? BudgetWouldLimit = null);

/// <summary>
/// One structured event per request, to a dedicated sink: a JSON-lines file written in the background when
/// <c>DataPlane:AccessLog:Path</c> is set, and the <c>InferenceGateway.AccessLog</c> logger category at Debug.
/// With neither on, a request pays one level check; with the file on, one queue write.
/// </summary>
internal sealed partial class AccessLog
{
    public const string Category = "InferenceGateway.AccessLog";

    private readonly ILogger _logger;
    private readonly Channel<AccessLogEntry>? _file;
    private long _dropped;

    public AccessLog(ILoggerFactory loggers, IOptions<DataPlaneOptions> options)
    {
        _logger = loggers.CreateLogger(Category);
        if (options.Value.AccessLog.Path is { Length: > 0 })
        {
            // With DropWrite, TryWrite answers true even when it drops: drops are counted in the callback.
            _file = Channel.CreateBounded<AccessLogEntry>(
                new BoundedChannelOptions(options.Value.AccessLog.BufferSize) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
                _ => Interlocked.Increment(ref _dropped));
        }
    }

    public ChannelReader<AccessLogEntry>? FileEntries => _file?.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one entry for the file (tests and the request path).</summary>
    internal void Enqueue(in AccessLogEntry entry) => _file?.Writer.TryWrite(entry);

    public void CountDropped(long count = 1) => Interlocked.Add(ref _dropped, count);

    public void Write(HttpContext context, GatewayRequest request)
    {
        var debug = _logger.IsEnabled(LogLevel.Debug);
        var file = _file;
        if (file is null && !debug)
        {
            return;
        }

        var total = Stopwatch.GetElapsedTime(request.StartTimestamp).TotalMilliseconds;
        double? upstream = request.UpstreamHeadersTimestamp > 0
            ? Stopwatch.GetElapsedTime(request.UpstreamStartTimestamp, request.UpstreamHeadersTimestamp).TotalMilliseconds
            : null;
        var entry = new AccessLogEntry(DateTime.UtcNow, request.RequestId, request.Tenant?.Slug ?? "-", request.Route?.Model ?? "-",
            request.Caller?.PublicId ?? "-", context.Request.Method, context.Response.StatusCode, upstream, total, request.State?.Revision ?? 0,
            request.WouldHaveBeenLimited || request.Budget?.WouldLimit is not null,
            request.Budget?.WouldLimit);
        file?.Writer.TryWrite(entry);

        if (debug)
        {
            LogRequest(_logger, entry.RequestId, entry.Tenant, entry.Model, entry.KeyId, entry.Method, entry.Status, entry.UpstreamMs, entry.TotalMs, entry.Revision, entry.WouldHaveBeenLimited);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "{RequestId} tenant={Tenant} model={Model} key={KeyId} {Method} {Status} upstream_ms={UpstreamMs} total_ms={TotalMs} revision={Revision} would_have_been_limited={WouldHaveBeenLimited}")]
    private static partial void LogRequest(ILogger logger, string requestId, string tenant, string model, string keyId, string method, int status, double? upstreamMs, double totalMs, long revision, bool wouldHaveBeenLimited);
}
