using System.Diagnostics;
using InferenceGateway.DataPlane.Pipeline;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// One structured event per request (category <c>InferenceGateway.AccessLog</c>, Debug): ids and timings only,
/// never a key, a header value or a payload. Off by default, so it costs one level check per request.
/// </summary>
internal sealed partial class AccessLog(ILoggerFactory loggers)
{
    public const string Category = "InferenceGateway.AccessLog";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Write(HttpContext context, GatewayRequest request)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var total = Stopwatch.GetElapsedTime(request.StartTimestamp).TotalMilliseconds;
        double? upstream = request.UpstreamHeadersTimestamp > 0
            ? Stopwatch.GetElapsedTime(request.UpstreamStartTimestamp, request.UpstreamHeadersTimestamp).TotalMilliseconds
            : null;
        LogRequest(_logger, request.RequestId, request.Tenant?.Slug ?? "-", request.Route?.Model ?? "-", request.Key?.PublicId ?? "-",
            context.Request.Method, context.Response.StatusCode, upstream, total, request.State?.Revision ?? 0);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "{RequestId} tenant={Tenant} model={Model} key={KeyId} {Method} {Status} upstream_ms={UpstreamMs} total_ms={TotalMs} revision={Revision}")]
    private static partial void LogRequest(ILogger logger, string requestId, string tenant, string model, string keyId, string method, int status, double? upstreamMs, double totalMs, long revision);
}
