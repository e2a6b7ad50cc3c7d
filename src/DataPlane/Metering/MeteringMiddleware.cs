using System.Diagnostics;
using System.Text.Json.Nodes;
using InferenceGateway.DataPlane.Pipeline;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>
/// Meters a request the node forwards: it is the step just before forwarding, so everything it counts reached the
/// model (requests the gateway refused itself are in the access log, not the ledger). For a model operation it
/// prepares reading the usage from the answer, asks a streamed chat completion for its usage when the client did
/// not, and estimates tokens with the tokenizer when the model reported none. The counts go into the meter when
/// the answer has been sent.
/// </summary>
internal sealed class MeteringMiddleware(RequestDelegate next, UsageMeter meter, TokenEstimator estimator, IOptions<MeteringOptions> options)
{
    private readonly MeteringOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        if (!_options.Enabled)
        {
            return next(context);
        }

        var request = context.Gateway();
        var httpRequest = context.Request;
        request.BytesIn = httpRequest.ContentLength ?? 0;
        request.Metered = true;
        if (!IsModelOperation(httpRequest.Method, request.RawRest, out var canStream))
        {
            // Nothing to read from the answer: the request-context step records the request when the response has
            // ended (RecordAtEnd), so the common path pays no async frame of its own here, only the counters.
            request.MeterAtEnd = true;
            return next(context);
        }

        return MeterAsync(context, request, canStream);
    }

    /// <summary>The counts of a request metered without reading its answer, once the response has ended.</summary>
    internal static void RecordAtEnd(UsageMeter meter, HttpContext context, GatewayRequest request)
    {
        var status = context.RequestAborted.IsCancellationRequested || ClientWentAway(context) ? 499 : context.Response.StatusCode;
        meter.Record(request, status, Stopwatch.GetElapsedTime(request.StartTimestamp).Ticks, context.Response.ContentLength ?? request.UpstreamContentLength);
    }

    private async Task MeterAsync(HttpContext context, GatewayRequest request, bool canStream)
    {
        var httpRequest = context.Request;
        ArraySegment<byte> body = default;
        request.Usage = new UsageCapture(_options.MaxUsageBodyBytes, _options.MaxTokensPerResponse);
        if (httpRequest.Body is MemoryStream buffered && buffered.TryGetBuffer(out body) && canStream)
        {
            AskForStreamUsage(httpRequest, request.Usage, body);
        }

        var failed = true;
        try
        {
            await next(context);
            failed = false;
        }
        finally
        {
            var capture = request.Usage;
            if (capture is { ReadsUsage: true })
            {
                Resolve(capture, body);
            }

            var status = failed ? StatusCodes.Status500InternalServerError
                : context.RequestAborted.IsCancellationRequested || ClientWentAway(context) ? 499
                : context.Response.StatusCode;
            if (capture is { ReadsUsage: true })
            {
                request.Tenant!.Quota?.CountTokens(capture.InputTokens, capture.OutputTokens);
            }

            meter.Record(request, status, Stopwatch.GetElapsedTime(request.StartTimestamp).Ticks,
                capture?.BytesOut ?? context.Response.ContentLength ?? request.UpstreamContentLength);
            capture?.Dispose();
        }
    }

    /// <summary>
    /// The forwarding ended because the client's side failed (it went away, its body broke, or the node stopped
    /// while the request was on its way): the gateway wrote no answer, so the status still reads 200.
    /// </summary>
    private static bool ClientWentAway(HttpContext context) =>
        context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>()?.Error is
            Yarp.ReverseProxy.Forwarder.ForwarderError.RequestCanceled or Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyCanceled
            or Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyClient or Yarp.ReverseProxy.Forwarder.ForwarderError.ResponseBodyCanceled
            or Yarp.ReverseProxy.Forwarder.ForwarderError.ResponseBodyClient or Yarp.ReverseProxy.Forwarder.ForwarderError.UpgradeResponseClient;

    /// <summary>Tokens of the request: as reported, or estimated when the model reported none it could be trusted for.</summary>
    private void Resolve(UsageCapture capture, ArraySegment<byte> body)
    {
        var usage = capture.Usage;
        if (usage.Status == UsageStatus.Reported)
        {
            capture.InputTokens = usage.InputTokens;
            capture.OutputTokens = usage.OutputTokens;
            return;
        }

        capture.Malformed = usage.Status == UsageStatus.Malformed;
        if (!_options.EstimateTokens)
        {
            return;
        }

        capture.EstimatedInputTokens = body.Count > 0 ? estimator.CountRequest(body) : 0;
        capture.EstimatedOutputTokens = capture.CopyOverflowed || capture.CopyLength == 0 ? 0
            : capture.EventStream ? estimator.CountStream(capture.Copy)
            : estimator.CountResponse(capture.Copy);
        capture.InputTokens = capture.EstimatedInputTokens;
        capture.OutputTokens = capture.EstimatedOutputTokens;
    }

    /// <summary>
    /// OpenAI-style operations whose answers carry usage. Only these are read: any other request is metered from
    /// its headers, so the node's hot path pays nothing for usage it would not find.
    /// </summary>
    internal static bool IsModelOperation(string method, string rawRest, out bool canStream)
    {
        canStream = false;
        if (!HttpMethods.IsPost(method))
        {
            return false;
        }

        var path = rawRest.AsSpan().TrimEnd('/');
        canStream = path.EndsWith("/chat/completions", StringComparison.Ordinal) || path.EndsWith("/completions", StringComparison.Ordinal);
        return canStream || path.EndsWith("/embeddings", StringComparison.Ordinal) || path.EndsWith("/responses", StringComparison.Ordinal);
    }

    /// <summary>
    /// A streamed completion reports usage only when asked (<c>stream_options.include_usage</c>). When the client did
    /// not ask, the node asks for it and takes the usage event out of the stream the client gets.
    /// </summary>
    private static void AskForStreamUsage(HttpRequest httpRequest, UsageCapture capture, ArraySegment<byte> body)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return; // the model will refuse it; nothing to meter beyond the request
        }

        if (root is null || root["stream"] is not JsonValue stream || !stream.TryGetValue(out bool streaming) || !streaming)
        {
            return;
        }

        var streamOptions = root["stream_options"] as JsonObject;
        if (streamOptions?["include_usage"] is JsonValue asked && asked.TryGetValue(out bool include) && include)
        {
            return; // the client asked: it gets the usage event
        }

        if (streamOptions is null)
        {
            if (root["stream_options"] is not null)
            {
                return; // not an object: the model will refuse it as it stands
            }

            streamOptions = [];
            root["stream_options"] = streamOptions;
        }

        streamOptions["include_usage"] = true;
        var rewritten = System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
        httpRequest.Body = new MemoryStream(rewritten, writable: false);
        httpRequest.ContentLength = rewritten.Length;
        capture.StripUsageEvent = true;
    }
}
