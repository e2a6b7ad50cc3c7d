using System.Net;

namespace InferenceGateway.DataPlane.Metering;

/// <summary>The upstream's answer as the client gets it, seen by the meter on the way (see <see cref="MeteredStream"/>).</summary>
internal sealed class MeteredContent : HttpContent
{
    /// <summary>
    /// Puts the meter on a metered request's answer: a model operation's JSON or event stream is read for usage;
    /// any other answer of unknown length is counted; an answer with a declared length costs nothing here.
    /// </summary>
    public static void Attach(Pipeline.GatewayRequest request, HttpResponseMessage response, bool eventStream)
    {
        if (!request.Metered)
        {
            return;
        }

        var content = response.Content;
        request.UpstreamContentLength = content.Headers.ContentLength ?? 0;
        var capture = request.Usage;
        if (capture is null)
        {
            if (content.Headers.ContentLength is not null)
            {
                return;
            }

            capture = new UsageCapture(0, 0, readsUsage: false);
            request.Usage = capture;
        }
        else
        {
            capture.EventStream = eventStream;
            capture.KeepCopy = eventStream || content.Headers.ContentType?.MediaType is { } type
                && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        }

        response.Content = new MeteredContent(content, capture);
    }

    private readonly HttpContent _inner;
    private readonly UsageCapture _capture;

    public MeteredContent(HttpContent inner, UsageCapture capture)
    {
        _inner = inner;
        _capture = capture;

        // Later steps (output hardening) read the content's headers: its type, its encoding.
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        throw new NotSupportedException("The forwarder reads this content as a stream.");

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new MeteredStream(await _inner.ReadAsStreamAsync(), _capture);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new MeteredStream(await _inner.ReadAsStreamAsync(cancellationToken), _capture);

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? 0;
        return _inner.Headers.ContentLength is not null && !_capture.StripUsageEvent;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
